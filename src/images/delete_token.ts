import { randomToken, sha256Hex, timingSafeEqual } from "../crypto.ts";
import { IMAGE_ID } from "../ids.ts";

/** The token is `randomToken(24)`: 32 base64url characters; a little slack either way. */
const DELETE_TOKEN = /^[A-Za-z0-9_-]{16,64}$/;

/**
 * The anonymous uploader's way to delete without an account: the token exists only in the
 * delete_url handed back once; the image keeps its hash.
 */
export async function newDeleteLink(
  publicUrl: string,
  id: string,
): Promise<{ url: string; tokenHash: string }> {
  const token = randomToken(24);
  return { url: `${publicUrl}/delete/${id}/${token}`, tokenHash: await sha256Hex(token) };
}

/** A delete_url whose id or token cannot be one of ours is simply not found, without a lookup. */
export const wellFormedDeleteLink = (id: string, token: string) =>
  IMAGE_ID.test(id) && DELETE_TOKEN.test(token);

/** Whether `token` is the one whose hash the image keeps, compared timing-safely. */
export async function deleteTokenMatches(token: string, hash: string | undefined) {
  return hash !== undefined && timingSafeEqual(await sha256Hex(token), hash);
}
