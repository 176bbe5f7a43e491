import { randomToken, sha256Hex } from "../crypto.ts";
import { kvKeys } from "../kv_keys.ts";

export const SESSION_COOKIE = "imgpro_session";

/**
 * On https the cookie carries the `__Host-` prefix: browsers then refuse it unless it is Secure,
 * host-only and for `/`, so a sibling subdomain cannot plant a session of its own choosing.
 */
export const sessionCookieName = (publicUrl: string) =>
  publicUrl.startsWith("https:") ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE;
export const SESSION_TTL_MS = 30 * 86_400_000;
const keyOf = kvKeys.sessions.session;

/**
 * Browser sessions: hot, short-lived and without audit value, so they are KV records with
 * `expireIn`, not events. Only the token's hash is stored.
 */
export class Sessions {
  constructor(private readonly kv: Deno.Kv) {}

  async create(accountId: string): Promise<string> {
    const token = randomToken();
    await this.kv.set(keyOf(await sha256Hex(token)), { account_id: accountId }, {
      expireIn: SESSION_TTL_MS,
    });
    return token;
  }

  async accountOf(token: string): Promise<string | null> {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
    return (await this.kv.get<{ account_id: string }>(keyOf(await sha256Hex(token)))).value
      ?.account_id ?? null;
  }

  async destroy(token: string): Promise<void> {
    await this.kv.delete(keyOf(await sha256Hex(token)));
  }
}
