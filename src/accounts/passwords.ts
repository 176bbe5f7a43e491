import { encodeBase64Url } from "../encoding.ts";
import { timingSafeEqual } from "../crypto.ts";

/** OWASP's figure for PBKDF2-SHA256; WebCrypto needs no wasm or native code. */
export const PBKDF2_ITERATIONS = 600_000;
const encoder = new TextEncoder();

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(password), "PBKDF2", false, [
    "deriveBits",
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt: salt as Uint8Array<ArrayBuffer>, iterations },
    key,
    256,
  );
  return encodeBase64Url(new Uint8Array(bits));
}

/**
 * The same typed password gives the same bytes on every keyboard and system: "é" may arrive as
 * one code point or as "e" and a combining accent, full-width digits as themselves (NIST SP
 * 800-63B asks for this normalisation).
 */
const normal = (password: string) => password.normalize("NFKC");

/** `pbkdf2-sha256$<iterations>$<salt>$<hash>`: self-describing, so the cost can rise later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return `pbkdf2-sha256$${PBKDF2_ITERATIONS}$${encodeBase64Url(salt)}$${await derive(
    normal(password),
    salt,
    PBKDF2_ITERATIONS,
  )}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, iter, salt, hash] = stored.split("$");
  if (scheme !== "pbkdf2-sha256" || !iter || !salt || !hash) return false;
  const saltBytes = Uint8Array.from(
    atob(salt.replaceAll("-", "+").replaceAll("_", "/")),
    (c) => c.charCodeAt(0),
  );
  if (timingSafeEqual(await derive(normal(password), saltBytes, Number(iter)), hash)) return true;
  // Hashes made before the normalisation were of the password exactly as typed.
  return normal(password) !== password &&
    timingSafeEqual(await derive(password, saltBytes, Number(iter)), hash);
}
