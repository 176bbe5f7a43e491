import { kvKeys } from "../kv_keys.ts";

type Lease = { owner: string; until: number };

const leaseKey = kvKeys.jobs.lease;

/**
 * Runs `fn` only if no other process holds the lease `name` in this KV; returns whether it ran.
 * The lease is renewed while `fn` runs and released after, and it lapses on its own `ttlMs`
 * after a crash, so a dead process never blocks the job for long. Wall-clock time on purpose:
 * it is compared between processes.
 */
export async function withKvLease(
  kv: Deno.Kv,
  name: string,
  ttlMs: number,
  fn: () => Promise<void>,
): Promise<boolean> {
  const owner = crypto.randomUUID();
  const take = async (): Promise<boolean> => {
    const entry = await kv.get<Lease>(leaseKey(name));
    const held = entry.value && entry.value.owner !== owner && entry.value.until > Date.now();
    if (held) return false;
    const lease: Lease = { owner, until: Date.now() + ttlMs };
    return (await kv.atomic().check(entry).set(leaseKey(name), lease, { expireIn: ttlMs }).commit())
      .ok;
  };
  if (!(await take())) return false;
  const renew = setInterval(() => take().catch(() => {}), Math.max(1_000, ttlMs / 3));
  try {
    await fn();
  } finally {
    clearInterval(renew);
    const entry = await kv.get<Lease>(leaseKey(name));
    if (entry.value?.owner === owner) {
      await kv.atomic().check(entry).delete(leaseKey(name)).commit();
    }
  }
  return true;
}
