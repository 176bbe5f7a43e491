import { encodeBase64Url } from "./encoding.ts";
import { kvKeys } from "./kv_keys.ts";

const SECRET_KEY = kvKeys.meta.devSecret();

/**
 * In development the secret is generated once and kept in KV, so signed links and client
 * hashes survive restarts. On Deploy the config requires SECRET, so this never generates there.
 */
export async function resolveSecret(kv: Deno.Kv, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  const existing = await kv.get<string>(SECRET_KEY);
  if (existing.value) return existing.value;
  const fresh = encodeBase64Url(crypto.getRandomValues(new Uint8Array(32)));
  const res = await kv.atomic().check(existing).set(SECRET_KEY, fresh).commit();
  if (res.ok) return fresh;
  return (await kv.get<string>(SECRET_KEY)).value!;
}
