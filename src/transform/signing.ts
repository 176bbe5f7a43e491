import { encodeBase64Url } from "../encoding.ts";
import { canonicalString, needsSignature, signedString, type TransformParams } from "./params.ts";

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey(
      "raw",
      encoder.encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    keys.set(secret, key);
  }
  return key;
}

/**
 * What a signature covers: the image id and the canonical string of the geometry parameters
 * (w, h, fit, gravity, dpr). Binding the id keeps a link minted for one image from resizing
 * another; leaving the free parameters out lets anyone add `format=webp` or `blur=5` to a
 * signed link, which they could ask for on the unsized image anyway.
 */
export const signedMessage = (id: string, p: TransformParams) => `${id}?${signedString(p)}`;

/** HMAC-SHA256 over the signed message with the service secret, base64url without padding. */
export async function sign(secret: string, id: string, p: TransformParams): Promise<string> {
  const mac = await crypto.subtle.sign(
    "HMAC",
    await hmacKey(secret),
    encoder.encode(signedMessage(id, p)),
  );
  return encodeBase64Url(new Uint8Array(mac));
}

/** Compares in time that depends only on the lengths, so a forger learns nothing by timing. */
export function timingSafeEqual(a: string, b: string): boolean {
  const x = encoder.encode(a), y = encoder.encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
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
