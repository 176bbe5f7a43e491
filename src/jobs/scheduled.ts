import { runExpiryJob } from "../images/mod.ts";
import type { Services } from "../services.ts";
import { withKvLease } from "./kv_lease.ts";

/** Unreferenced blobs older than this are collected: an upload commits its event in milliseconds. */
export const BLOB_GRACE_MS = 3600_000;
/** One hourly run expires at most this many; a backlog drains over the following hours. */
export const EXPIRY_PER_RUN = 20_000;
const LEASE_MS = 10 * 60_000;

type Log = (line: string) => void;

/** The hourly expiry cron: one process at a time over a shared KV, bounded work per run. */
export async function expiryCron(s: Services, nowMs: number, log: Log = console.log) {
  const ran = await withKvLease(s.kv, "cron:expire", LEASE_MS, async () => {
    const r = await runExpiryJob(s, { nowMs, limit: EXPIRY_PER_RUN });
    log(
      `expiry: ${r.expired} expired, ${r.blobsDeleted} blobs deleted, ${r.failed.length} failed`,
    );
  });
  if (!ran) log("expiry: another process is running it");
  return ran;
}

/** The blob collector, as the daily cron and `deno task gc` run it. */
export async function collectBlobs(s: Services, nowMs: number) {
  // Variants are blobs no image references: the variant cache knows which are still in use.
  return await s.blobs.collect(nowMs, BLOB_GRACE_MS, s.variants.isReferenced);
}

export async function blobGcCron(s: Services, nowMs: number, log: Log = console.log) {
  const ran = await withKvLease(s.kv, "cron:blob-gc", LEASE_MS, async () => {
    const r = await collectBlobs(s, nowMs);
    log(
      `blob gc: ${r.blobs} blobs, ${r.generations} stray generations removed, ${
        r.failed ?? 0
      } kept`,
    );
  });
  if (!ran) log("blob gc: another process is running it");
  return ran;
}
