/**
 * Transform engine figures (issue 5), held against sharp's where the reference ran first:
 *
 *   deno task bench:transforms     (runs bench:sharp first, then this)
 *
 * "Cold" means no cached variant: every run computes from the stored bytes, as a first request
 * for a new variant does. The wasm codecs are compiled once per process, in an untimed run.
 */
import { readHeader } from "../src/imaging/header.ts";
import { swapsAxes } from "../src/imaging/exif_orientation.ts";
import { parseTransformQuery } from "../src/delivery/mod.ts";
import { runPipeline } from "../src/transform/pipeline.ts";
import { load } from "./http_load.ts";
import { type Bench, type Figure, fixture, startApp, upload, withFileKv } from "./support.ts";
import { CASES, median, SHARP_RESULTS } from "./transform_cases.ts";

type SharpResults = Record<string, { ms: number }>;

async function sharpResults(): Promise<SharpResults | null> {
  try {
    return JSON.parse(await Deno.readTextFile(SHARP_RESULTS)).results as SharpResults;
  } catch {
    return null;
  }
}

function params(query: string) {
  const q: Record<string, string[]> = {};
  for (const [k, v] of new URLSearchParams(query)) (q[k] ??= []).push(v);
  return parseTransformQuery(q).params;
}

async function engineFigures(sharp: SharpResults | null): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const c of CASES) {
    const bytes = await fixture(c.fixture);
    const header = readHeader(bytes, "jpeg");
    const swap = swapsAxes(header.orientation);
    const source = {
      bytes,
      format: "jpeg" as const,
      width: swap ? header.height : header.width,
      height: swap ? header.width : header.height,
      frames: 1,
    };
    const p = params(c.query);
    const format = p.format ?? "jpg";
    const once = async () => {
      const t = performance.now();
      const out = await runPipeline(source, p, format);
      return { ms: performance.now() - t, out };
    };
    const first = await once();
    const times: number[] = [];
    for (let i = 0; i < c.runs; i++) times.push((await once()).ms);
    const ms = median(times);
    const ref = sharp?.[c.id]?.ms;
    figures.push({
      name: c.name,
      value: ms,
      unit: "ms",
      digits: 1,
      ...(ref !== undefined && Number.isFinite(c.target.factor)
        ? { target: { op: "<" as const, value: ref * c.target.factor } }
        : {}),
      note: [
        `median of ${c.runs}; first in process ${first.ms.toFixed(0)} ms`,
        `${first.out.width}x${first.out.height}, ${first.out.bytes.length} bytes`,
        ref !== undefined
          ? `sharp ${ref.toFixed(1)} ms → ${(ms / ref).toFixed(2)} × sharp (${c.target.label})`
          : "sharp not measured (run deno task bench:sharp)",
      ].join("; "),
    });
  }
  return figures;
}

/** A cached variant through the whole app, against a bare Deno.serve returning the same bytes. */
function cachedOverHttp(): Promise<Figure[]> {
  return withFileKv("transforms", async (kv) => {
    const app = startApp(kv);
    try {
      const stored = await upload(app.base, new Blob([await fixture("large.jpg")]), "large.jpg");
      if (stored.status !== 201) throw new Error(`upload answered ${stored.status}`);
      const url = `${app.base}/${stored.body.id}?size=s`;
      const warm = await fetch(url);
      const bytes = new Uint8Array(await warm.arrayBuffer());
      if (warm.status !== 200) throw new Error(`GET ${url} answered ${warm.status}`);
      const type = warm.headers.get("content-type")!;
      await load(url, 16, 500); // JIT warm-up for both sides
      const ours = await load(url, 16, 3000);
      const bare = Deno.serve(
        { port: 0, hostname: "127.0.0.1", onListen: () => {} },
        () => new Response(bytes, { headers: { "content-type": type } }),
      );
      try {
        const bareUrl = `http://127.0.0.1:${bare.addr.port}/`;
        await load(bareUrl, 16, 500);
        const reference = await load(bareUrl, 16, 3000);
        const ratio = ours.rps / reference.rps;
        return [{
          name: `cached variant over HTTP (${bytes.length} bytes), share of bare Deno.serve`,
          value: ratio,
          unit: "×",
          digits: 2,
          target: { op: ">=", value: 0.7 },
          note: `${ours.rps.toFixed(0)} req/s vs ${reference.rps.toFixed(0)} req/s; ` +
            `16 connections, 3 s each; ${ours.failed + reference.failed} failed`,
        }];
      } finally {
        await bare.shutdown();
      }
    } finally {
      await app.close();
    }
  });
}

export const transforms: Bench = {
  id: "transforms",
  name: "transforms: cold size=m, blur=250, webp; cached variant over HTTP",
  run: async () => [...await engineFigures(await sharpResults()), ...await cachedOverHttp()],
};

if (import.meta.main) {
  for (const f of await transforms.run()) {
    const met = f.target
      ? (f.target.op === ">=" ? f.value >= f.target.value : f.value < f.target.value)
        ? "ok"
        : "MISSED"
      : "";
    const target = f.target
      ? ` (target ${f.target.op === ">=" ? "≥" : "<"} ${f.target.value.toFixed(2)})`
      : "";
    console.log(`${f.name}: ${f.value.toFixed(f.digits ?? 0)} ${f.unit}${target} ${met}`);
    if (f.note) console.log(`    ${f.note}`);
  }
}
