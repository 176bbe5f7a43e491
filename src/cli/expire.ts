import { runExpiryJob } from "../images/mod.ts";
import { bootstrapCli, shutdown } from "./bootstrap.ts";

const args = [...Deno.args];
const dryRun = args.includes("--dry-run");
const nowIdx = args.indexOf("--now");
let nowMs = Date.now();
if (nowIdx >= 0) {
  nowMs = Date.parse(args[nowIdx + 1] ?? "");
  if (Number.isNaN(nowMs)) {
    console.error(
      `--now needs an ISO time, e.g. --now 2026-12-31T00:00:00Z (got ${args[nowIdx + 1]})`,
    );
    Deno.exit(2);
  }
}
const services = await bootstrapCli();
const report = await runExpiryJob(services, { nowMs, dryRun });
console.log(JSON.stringify({
  now: new Date(nowMs).toISOString(),
  dry_run: dryRun,
  due: report.due.length,
  expired: report.expired,
  blobs_deleted: report.blobsDeleted,
  failed: report.failed,
  ...(dryRun ? { ids: report.due } : {}),
}));
shutdown(services);
Deno.exit(report.failed.length ? 1 : 0);
