/**
 * What `deno task replay` does (bootstrapCli + replay), in a process of its own, sampling its
 * own resident memory: bench/scale.ts runs it so the peak is the replay's, not the builder's.
 */
import { bootstrapCli, shutdown } from "../src/cli/bootstrap.ts";
import { replay } from "../src/replay/replay.ts";

let peak = Deno.memoryUsage().rss;
const sample = setInterval(() => (peak = Math.max(peak, Deno.memoryUsage().rss)), 20);
const started = performance.now();
const services = await bootstrapCli();
const report = await replay(services.store);
const seconds = (performance.now() - started) / 1000;
clearInterval(sample);
peak = Math.max(peak, Deno.memoryUsage().rss);
shutdown(services);
console.log(JSON.stringify({
  seconds,
  peak_rss: peak,
  events: report.events,
  documents: report.documents,
  differences: report.differences.length,
}));
