import { hmacBytes, timingSafeEqual } from "../crypto.ts";
import { encodeBase64Url } from "../encoding.ts";
import type { TransformParams } from "../transform/mod.ts";
import { canonicalString, needsSignature, signedString } from "./canonical.ts";

/**
 * What a signature covers: the image id and the canonical string of the geometry parameters
 * (w, h, fit, gravity, dpr). Binding the id keeps a link minted for one image from resizing
 * another; leaving the free parameters out lets anyone add `format=webp` or `blur=5` to a
 * signed link, which they could ask for on the unsized image anyway.
 */
export const signedMessage = (id: string, p: TransformParams) => `${id}?${signedString(p)}`;

/** HMAC-SHA256 over the signed message with the service secret, base64url without padding. */
export async function sign(secret: string, id: string, p: TransformParams): Promise<string> {
  return encodeBase64Url(await hmacBytes(secret, signedMessage(id, p)));
}

/**
 * "ok" when the link needs no signature or carries a valid one. A `sig` on a link that needs
 * none is still checked: a wrong signature is never silently ignored.
 */
export async function checkSignature(
  secret: string,
  id: string,
  p: TransformParams,
  sig: string | null,
): Promise<"ok" | "missing" | "invalid"> {
  if (sig === null) return needsSignature(p) ? "missing" : "ok";
  return timingSafeEqual(sig, await sign(secret, id, p)) ? "ok" : "invalid";
}

/** The query string of a signed link: canonical parameters, then `sig` when one is needed. */
export async function signedQuery(secret: string, id: string, p: TransformParams) {
  const canonical = canonicalString(p);
  if (!needsSignature(p)) return canonical;
  return `${canonical}&sig=${await sign(secret, id, p)}`;
}
