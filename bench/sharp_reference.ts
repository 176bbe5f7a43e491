/**
 * The reference the transform benchmarks are held to: the same operations in sharp (libvips,
 * native). Benchmark-only: sharp is a native addon, so this file runs under its own task with
 * --allow-ffi and is never imported by the service or the tests.
 *
 *   deno task bench:sharp
 */
import sharp from "npm:sharp@0.35.5";
import { CASES, median, SHARP_RESULTS } from "./transform_cases.ts";
import { fixture } from "./support.ts";

// Fair to a cold variant: no operation cache, and one thread per core as our engine has one.
sharp.cache(false);

const results: Record<string, { ms: number; first: number; bytes: number }> = {};
for (const c of CASES) {
  const input = await fixture(c.fixture);
  const once = async () => {
    let p = sharp(input).rotate();
    if (c.sharp.resize) p = p.resize(c.sharp.resize);
    if (c.sharp.blur) p = p.blur(c.sharp.blur);
    p = c.sharp.format === "jpeg" ? p.jpeg({ quality: c.quality }) : p.webp({ quality: c.quality });
    const t = performance.now();
    const out = await p.toBuffer();
    return { ms: performance.now() - t, bytes: out.length };
  };
  const first = await once();
  const times: number[] = [];
  for (let i = 0; i < c.runs; i++) times.push((await once()).ms);
  results[c.id] = { ms: median(times), first: first.ms, bytes: first.bytes };
  console.log(
    `sharp ${c.name}: median ${median(times).toFixed(1)} ms over ${c.runs} ` +
      `(first ${first.ms.toFixed(1)} ms, ${first.bytes} bytes)`,
  );
}
console.log(
  `sharp ${sharp.versions.sharp}, libvips ${sharp.versions.vips}, ` +
    `concurrency ${sharp.concurrency()} threads`,
);
await Deno.mkdir(new URL(".", SHARP_RESULTS), { recursive: true });
await Deno.writeTextFile(
  SHARP_RESULTS,
  JSON.stringify({ at: new Date().toISOString(), results }, null, 2),
);
