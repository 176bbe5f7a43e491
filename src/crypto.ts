import { decodeBase64Url, encodeBase64Url } from "./encoding.ts";

const encoder = new TextEncoder();
const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

export async function sha256Hex(data: Uint8Array | string): Promise<string> {
  const bytes = typeof data === "string" ? encoder.encode(data) : data;
  return hex(
    new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>)),
  );
}

const hmacKeys = new Map<string, Promise<CryptoKey>>();

/** HMAC-SHA256; the imported key is kept, since importing costs as much as signing. */
export async function hmacBytes(secret: string, message: string): Promise<Uint8Array> {
  let key = hmacKeys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey(
      "raw",
      encoder.encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    hmacKeys.set(secret, key);
  }
  return new Uint8Array(await crypto.subtle.sign("HMAC", await key, encoder.encode(message)));
}

/** A keyed hash: how client IPs and e-mail addresses appear in events (never in plain text). */
export async function hmacHex(secret: string, message: string): Promise<string> {
  return hex(await hmacBytes(secret, message));
}

/** Compares secrets in time that depends only on their length. */
export function timingSafeEqual(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** `n` random bytes written in base 62 (no padding, URL- and copy-paste-safe). */
export function randomBase62(n: number): string {
  let value = 0n;
  for (const b of crypto.getRandomValues(new Uint8Array(n))) value = (value << 8n) | BigInt(b);
  let out = "";
  while (value > 0n) {
    out = BASE62[Number(value % 62n)] + out;
    value /= 62n;
  }
  // 32 bytes need up to 43 digits; pad so every key has the same length.
  return out.padStart(Math.ceil((n * 8) / Math.log2(62)), "0");
}

export const randomToken = (n = 32) => encodeBase64Url(crypto.getRandomValues(new Uint8Array(n)));

async function secretKey(secret: string, purpose: string): Promise<CryptoKey> {
  const raw = await crypto.subtle.digest("SHA-256", encoder.encode(`${purpose}\n${secret}`));
  return crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
}

/** Encrypts a short secret under a key derived from SECRET, for records that must not hold it in clear. */
export async function sealText(secret: string, purpose: string, text: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await secretKey(secret, purpose);
  const data = new Uint8Array(
    await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, encoder.encode(text)),
  );
  return `${encodeBase64Url(iv)}.${encodeBase64Url(data)}`;
}

export async function openText(secret: string, purpose: string, sealed: string): Promise<string> {
  const [iv, data] = sealed.split(".").map(decodeBase64Url);
  const key = await secretKey(secret, purpose);
  return new TextDecoder().decode(await crypto.subtle.decrypt({ name: "AES-GCM", iv }, key, data));
}
