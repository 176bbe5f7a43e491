import { replay } from "../replay/mod.ts";
import { bootstrapCli, shutdown } from "./bootstrap.ts";

const apply = Deno.args.includes("--apply");
const services = await bootstrapCli();
const started = performance.now();
const report = await replay(services.store, {
  apply,
  onProgress: (n) => console.error(`… ${n.toLocaleString("en")} events replayed`),
});
const seconds = (performance.now() - started) / 1000;
for (const d of report.differences.slice(0, 50)) {
  console.log(`difference: ${d.projection} ${d.key} ${d.kind}`);
}
if (report.differences.length > 50) console.log(`… and ${report.differences.length - 50} more`);
console.log(
  `streams: ${report.streams}, events: ${report.events}, commits: ${report.commits}, ` +
    `documents: ${report.documents}, differences: ${report.differences.length} ` +
    `(${seconds.toFixed(2)} s, ${Math.round(report.events / Math.max(seconds, 1e-6))} events/s)`,
);
if (report.inconclusive) {
  console.log("inconclusive: events kept arriving during every pass; run it again when quieter");
}
if (report.applied) {
  console.log(`applied: projections now read from ${JSON.stringify(report.applied)}`);
}
shutdown(services);
Deno.exit(report.differences.length > 0 && !report.applied ? 1 : 0);
