import type { ExpireImage } from "../../domain/image/decider.ts";
import { toUnixSeconds } from "../clock.ts";
import type { IdGenerator } from "../ids.ts";
import { endImage, type EndImageDeps } from "./end_image.ts";

export type ExpiryReport = {
  due: string[];
  expired: number;
  blobsDeleted: number;
  failed: string[];
};

/**
 * Expires every image whose time has come (at most `limit` of them per run): `ImageExpired`
 * through the image's actor, then its blob (unless another live image shares the bytes). One
 * pass over the expiry index, in key order, resuming from the last key read, so the work is
 * linear in what is due. Safe to run twice or concurrently: the decider makes a second expiry a
 * no-op, and the index no longer lists expired images.
 */
export async function runExpiryJob(
  deps: EndImageDeps & { ids: IdGenerator },
  opts: { nowMs: number; dryRun?: boolean; limit?: number },
): Promise<ExpiryReport> {
  const report: ExpiryReport = { due: [], expired: 0, blobsDeleted: 0, failed: [] };
  const nowSeconds = toUnixSeconds(opts.nowMs);
  const correlation = deps.ids.commandId();
  const limit = opts.limit ?? Infinity;
  for await (const id of deps.queries.due(nowSeconds)) {
    if (report.due.length >= limit) break;
    report.due.push(id);
    if (opts.dryRun) continue;
    try {
      const command: ExpireImage = { type: "ExpireImage", now: nowSeconds };
      const res = await endImage(deps, id, command, {
        at: opts.nowMs,
        actor: "system:expiry",
        command_id: deps.ids.commandId(),
        correlation_id: correlation,
      });
      if (res.ended) report.expired++;
      if (res.blobDeleted) report.blobsDeleted++;
    } catch (err) {
      console.error(`expiry of ${id} failed:`, err);
      report.failed.push(id);
    }
  }
  return report;
}
