/**
 * `deno task bench`: runs every benchmark in order and prints their figures against the
 * targets. A missed target is a measurement, not a failure: it prints MISSED and the exit code
 * stays 0. Only a benchmark that crashes makes the run exit 1.
 */
import { appendRate } from "./append_rate.ts";
import { engine } from "./engine.ts";
import { memoryBudget } from "./memory_budget.ts";
import { peakRss } from "./peak_rss.ts";
import { replayRate } from "./replay_rate.ts";
import { slowBodies } from "./slow_bodies.ts";
import { streamOriginal } from "./stream_original.ts";
import { svgBombs } from "./svg_bombs.ts";
import { type Bench, BENCH_DIR, type Figure } from "./support.ts";
import { uploadLatency } from "./upload_latency.ts";
import { vision } from "./vision.ts";

const ALL: Bench[] = [
  appendRate,
  replayRate,
  uploadLatency,
  streamOriginal,
  peakRss,
  svgBombs,
  memoryBudget,
  slowBodies,
  vision,
  engine,
];
// `deno task bench peak_rss` runs only the named ones (e.g. to see a figure in a fresh process).
const unknown = Deno.args.filter((a) => !ALL.some((b) => b.id === a));
if (unknown.length) {
  console.error(
    `unknown benchmark ${unknown.join(", ")}; known: ${ALL.map((b) => b.id).join(", ")}`,
  );
  Deno.exit(2);
}
const BENCHES = Deno.args.length ? ALL.filter((b) => Deno.args.includes(b.id)) : ALL;

type Row = { bench: number; figure?: Figure; error?: string };

const format = (value: number, digits = 0) =>
  value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

function verdict(f: Figure): string {
  if (!f.target) return "";
  const met = f.target.op === ">=" ? f.value >= f.target.value : f.value < f.target.value;
  return met ? "ok" : "MISSED";
}

function table(rows: Row[]): string {
  const header = ["#", "benchmark", "figure", "target", "status", "notes"];
  const cells = rows.map(({ bench, figure: f, error }) =>
    f
      ? [
        String(bench),
        f.name,
        `${format(f.value, f.digits)} ${f.unit}`,
        f.target
          ? `${f.target.op === ">=" ? "≥" : "<"} ${format(f.target.value, f.digits)} ${f.unit}`
          : "",
        verdict(f),
        f.note ?? "",
      ]
      : [String(bench), ALL[bench - 1].name, "", "", "ERROR", error ?? ""]
  );
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) =>
    c.map((s, i) => i === 2 ? s.padStart(widths[i]) : s.padEnd(widths[i])).join(" | ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("-|-"), ...cells.map(line)]
    .join("\n");
}

const rows: Row[] = [];
const started = performance.now();
try {
  for (const [i, bench] of BENCHES.entries()) {
    const t = performance.now();
    console.log(`[${i + 1}/${BENCHES.length}] ${bench.id}: ${bench.name} ...`);
    try {
      for (const figure of await bench.run()) rows.push({ bench: ALL.indexOf(bench) + 1, figure });
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      rows.push({ bench: ALL.indexOf(bench) + 1, error });
      console.error(err);
    }
    console.log(`      done in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
} finally {
  await Deno.remove(BENCH_DIR, { recursive: true }).catch(() => {});
}

console.log(
  `\n${table(rows)}\n\n${Deno.build.os}/${Deno.build.arch}, deno ${Deno.version.deno}, ` +
    `${navigator.hardwareConcurrency} cores; MB = 10^6 bytes; ` +
    `total ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
const missed = rows.filter((r) => r.figure && verdict(r.figure) === "MISSED").length;
if (missed) console.log(`${missed} target(s) MISSED (a measurement, not a failure)`);
if (rows.some((r) => r.error)) Deno.exit(1);
