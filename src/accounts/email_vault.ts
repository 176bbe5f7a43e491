import { encodeBase64Url } from "../encoding.ts";
import { hmacHex } from "../crypto.ts";
import { kvKeys } from "../kv_keys.ts";

const keyOf = kvKeys.emailVault.accountKey;
const fromB64 = (s: string) =>
  Uint8Array.from(atob(s.replaceAll("-", "+").replaceAll("_", "/")), (c) => c.charCodeAt(0));

/**
 * E-mail addresses never enter the log in clear: events carry an HMAC (for login lookup) and an
 * AES-GCM ciphertext under a per-account key kept outside the log. Deleting that key erases the
 * address from every event at once (crypto-shredding), without rewriting history.
 */
export class EmailVault {
  constructor(private readonly kv: Deno.Kv, private readonly secret: string) {}

  lookupHash(email: string): Promise<string> {
    return hmacHex(this.secret, `email:${normaliseEmail(email)}`);
  }

  async seal(accountId: string, email: string): Promise<string> {
    const raw = crypto.getRandomValues(new Uint8Array(32));
    await this.kv.set(keyOf(accountId), raw);
    const key = await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt"]);
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const data = new TextEncoder().encode(normaliseEmail(email));
    const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, data));
    return `${encodeBase64Url(iv)}.${encodeBase64Url(sealed)}`;
  }

  /** The address, or null once the account's key has been destroyed. */
  async open(accountId: string, sealed: string): Promise<string | null> {
    const raw = (await this.kv.get<Uint8Array>(keyOf(accountId))).value;
    if (!raw) return null;
    const [iv, data] = sealed.split(".");
    const key = await crypto.subtle.importKey(
      "raw",
      raw as Uint8Array<ArrayBuffer>,
      "AES-GCM",
      false,
      ["decrypt"],
    );
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: fromB64(iv) },
      key,
      fromB64(data),
    );
    return new TextDecoder().decode(plain);
  }
}

export const normaliseEmail = (email: string) => email.trim().toLowerCase();
