import { collectBlobs, withKvLease } from "../jobs/mod.ts";

import { bootstrapCli, shutdown } from "./bootstrap.ts";

const args = [...Deno.args];
if (args.includes("--help")) {
  console.error("usage: deno task gc [--now 2026-12-31T00:00:00Z]");
  Deno.exit(2);
}
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
let report: Awaited<ReturnType<typeof collectBlobs>> | undefined;
// The same lease as the daily cron: an operator's run and the cron never overlap.
const ran = await withKvLease(services.kv, "cron:blob-gc", 10 * 60_000, async () => {
  report = await collectBlobs(services, nowMs);
});
console.log(JSON.stringify({
  now: new Date(nowMs).toISOString(),
  backend: services.blobs.backend,
  ...(ran
    ? {
      blobs_deleted: report!.blobs,
      generations_deleted: report!.generations,
      kept_for_next_run: report!.failed ?? 0,
    }
    : { skipped: "another process is collecting" }),
}));
shutdown(services);
Deno.exit(ran && !report!.failed ? 0 : 1);
