/**
 * Issue 12's figures: pixel work off the request thread. Each server runs in its own process,
 * loaded by wrk (native), so the load generator does not compete with the server's JavaScript.
 *
 *   deno task bench engine
 *   BENCH_ROOT=/path/to/another/checkout deno task bench engine   (the same figures for it)
 *   IMAGE_WORKERS=0 deno task bench engine                        (inline, for comparison)
 *
 * "Uncached" requests each ask for a transform no one asked before (distinct.lua varies quality
 * and saturation; the variant key differs, the work is the same size=m).
 */
import { type Bench, type Figure, FIXTURES, percentile } from "./support.ts";
import { median } from "./transform_cases.ts";
import { type ServerProcess, startBare, startService, startSharp } from "./server_process.ts";
import { wrk } from "./wrk.ts";

const LARGE = new URL("large.jpg", FIXTURES).pathname;
const DISTINCT = new URL("./distinct.lua", import.meta.url).pathname;
const SECONDS = Number(Deno.env.get("BENCH_SECONDS") ?? 8);
// IMAGE_WORKERS, if set, reaches the server through the inherited environment.
const serviceEnv = (): Record<string, string> => ({});

async function uploadLarge(base: string): Promise<string> {
  const form = new FormData();
  form.append("file", new Blob([await Deno.readFile(LARGE)]), "large.jpg");
  const res = await fetch(`${base}/v1/upload`, { method: "POST", body: form });
  const body = await res.json();
  if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${JSON.stringify(body)}`);
  return body.id;
}

async function get(url: string): Promise<{ status: number; bytes: Uint8Array; ms: number }> {
  const t = performance.now();
  const res = await fetch(url);
  const bytes = await res.bytes();
  return { status: res.status, bytes, ms: performance.now() - t };
}

const fmt = (n: number, d = 1) => n.toFixed(d);

async function latencyFigures(app: ServerProcess, ids: string[]): Promise<Figure[]> {
  const cached = `${app.base}/${ids[0]}?size=s`;
  const first = await get(cached);
  if (first.status !== 200) throw new Error(`GET ${cached} answered ${first.status}`);
  await wrk(cached, { connections: 8, seconds: 2 }); // warm-up
  const idle = await wrk(cached, { connections: 8, seconds: SECONDS });
  // Two clients asking for uncached transforms all the while.
  const background = wrk(`${app.base}/`, {
    connections: 2,
    seconds: SECONDS + 2,
    script: DISTINCT,
    args: [`/${ids[1]}?size=m`, "0"],
  });
  await new Promise((r) => setTimeout(r, 1000));
  const busy = await wrk(cached, { connections: 8, seconds: SECONDS });
  const bg = await background;
  const bound = Math.max(3 * idle.p99, 20);

  // /healthz while four large.jpg uploads are ingested, over and over.
  let uploading = true;
  let uploads = 0;
  const uploaders = Array.from({ length: 4 }, async () => {
    while (uploading) {
      await uploadLarge(app.base);
      uploads++;
    }
  });
  await new Promise((r) => setTimeout(r, 300));
  const health = await wrk(`${app.base}/healthz`, { connections: 8, seconds: SECONDS });
  uploading = false;
  await Promise.all(uploaders);
  return [
    {
      name: "cached variant p99, idle (wrk -t1 -c8)",
      value: idle.p99,
      unit: "ms",
      digits: 2,
      note: `${fmt(idle.rps, 0)} req/s, p50 ${fmt(idle.p50, 2)} ms, ${first.bytes.length} bytes`,
    },
    {
      name: "cached variant p99 under a stream of uncached transforms (2 clients)",
      value: busy.p99,
      unit: "ms",
      digits: 2,
      target: { op: "<", value: bound },
      note: `target ≤ 3× idle or ≤ 20 ms; ${fmt(busy.rps, 0)} req/s; ` +
        `${bg.requests} transforms at ${fmt(bg.rps)} req/s meanwhile, ${bg.errors} non-2xx`,
    },
    {
      name: "/healthz p99 while four large.jpg uploads are ingested",
      value: health.p99,
      unit: "ms",
      digits: 2,
      target: { op: "<", value: 50 },
      note: `${uploads} uploads completed meanwhile; ${fmt(health.rps, 0)} req/s`,
    },
  ];
}

async function parallelism(app: ServerProcess, id: string): Promise<Figure[]> {
  const url = (q: number) => `${app.base}/${id}?size=m&quality=${q}`;
  const t0 = performance.now();
  for (let q = 51; q <= 58; q++) await get(url(q));
  const sequential = performance.now() - t0;
  const t1 = performance.now();
  const queue = Array.from({ length: 8 }, (_, i) => 61 + i);
  await Promise.all([0, 1].map(async () => {
    for (let q = queue.shift(); q !== undefined; q = queue.shift()) await get(url(q));
  }));
  const paired = performance.now() - t1;
  return [{
    name: "8 distinct uncached size=m, two at a time vs one after another",
    value: sequential / paired,
    unit: "×",
    digits: 2,
    target: { op: ">=", value: 1.6 },
    note: `${fmt(sequential, 0)} ms sequential, ${fmt(paired, 0)} ms two at a time`,
  }];
}

async function againstSharp(app: ServerProcess, ids: string[]): Promise<Figure[]> {
  const sharp = await startSharp(LARGE);
  try {
    const figures: Figure[] = [];
    for (const [i, clients] of [[2, 2], [3, 4]]) {
      const ours = await wrk(`${app.base}/`, {
        connections: clients,
        seconds: SECONDS,
        script: DISTINCT,
        args: [`/${ids[i]}?size=m`, "0"],
      });
      const ref = await wrk(`${sharp.base}/`, {
        connections: clients,
        seconds: SECONDS,
        script: DISTINCT,
        args: ["/t?size=m", "0"],
      });
      figures.push({
        name: `uncached size=m req/s at ${clients} clients, share of Node + sharp`,
        value: ours.rps / ref.rps,
        unit: "×",
        digits: 2,
        target: { op: ">=", value: 0.7 },
        note: `${fmt(ours.rps)} vs ${fmt(ref.rps)} req/s; p99 ${fmt(ours.p99, 0)} vs ` +
          `${fmt(ref.p99, 0)} ms; ${ours.errors} non-2xx (stretch 1.0×)`,
      });
    }
    // size=m over HTTP, one at a time on a warm process, against sharp in-process.
    const times: number[] = [];
    for (let q = 70; q < 77; q++) {
      times.push((await get(`${app.base}/${ids[4]}?size=m&quality=${q}`)).ms);
    }
    const inProcess = (await (await fetch(`${sharp.base}/inprocess?runs=7`)).json()).ms as number;
    const http = median(times);
    figures.push({
      name: "size=m on large.jpg over HTTP, uncached, warm, vs sharp in-process",
      value: http / inProcess,
      unit: "×",
      digits: 2,
      target: { op: "<", value: 1.3 },
      note: `median ${fmt(http)} ms over HTTP vs sharp ${fmt(inProcess)} ms in-process`,
    });
    return figures;
  } finally {
    await sharp.stop();
  }
}

async function againstBare(app: ServerProcess, id: string): Promise<Figure[]> {
  const url = `${app.base}/${id}?size=s`;
  const variant = await get(url);
  const file = new URL("cached-variant.jpg", new URL("../data/bench/", import.meta.url)).pathname;
  await Deno.writeFile(file, variant.bytes);
  const bare = await startBare(file, "image/jpeg");
  try {
    const figures: Figure[] = [];
    for (const c of [8, 16]) {
      await wrk(url, { connections: c, seconds: 2 });
      const ours = await wrk(url, { connections: c, seconds: SECONDS });
      await wrk(bare.base, { connections: c, seconds: 2 });
      const ref = await wrk(bare.base, { connections: c, seconds: SECONDS });
      figures.push({
        name: `cached variant req/s (wrk -c${c}), share of bare Deno.serve`,
        value: ours.rps / ref.rps,
        unit: "×",
        digits: 2,
        target: { op: ">=", value: 0.8 },
        note: `${fmt(ours.rps, 0)} vs ${fmt(ref.rps, 0)} req/s, ${variant.bytes.length} bytes`,
      });
    }
    return figures;
  } finally {
    await bare.stop();
  }
}

async function coldStart(): Promise<Figure[]> {
  const ours: number[] = [], bare: number[] = [];
  for (let i = 0; i < 6; i++) {
    const a = await startService(serviceEnv());
    await a.stop();
    const b = await startBare();
    await b.stop();
    // The first of each only fills the module cache.
    if (i > 0) ours.push(a.startMs), bare.push(b.startMs);
  }
  return [{
    name: "cold start to the first /healthz",
    value: median(ours),
    unit: "ms",
    target: { op: "<", value: 300 },
    note: `median of ${ours.length}; bare Deno.serve ${fmt(median(bare), 0)} ms`,
  }];
}

async function peakRss(): Promise<Figure[]> {
  const app = await startService(serviceEnv());
  try {
    const id = await uploadLarge(app.base);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => get(`${app.base}/${id}?size=l&quality=${40 + i}`)),
    );
    const statuses = results.map((r) => r.status);
    const times = results.map((r) => r.ms);
    return [{
      name: "peak RSS, 8 concurrent uncached transforms of large.jpg",
      value: await app.peakRss() / 1e6,
      unit: "MB",
      target: { op: "<", value: 800 },
      note: `statuses ${[...new Set(statuses)].join(",")}; p100 ${
        fmt(percentile(times, 100), 0)
      } ms; process VmHWM after one upload and the 8 transforms`,
    }];
  } finally {
    await app.stop();
  }
}

/** Runs one part; a part that fails is reported as a row and the others still run. */
async function part(name: string, run: () => Promise<Figure[]>): Promise<Figure[]> {
  try {
    const figures = await run();
    for (const f of figures) {
      console.log(`      ${f.name}: ${f.value.toFixed(f.digits ?? 0)} ${f.unit} (${f.note ?? ""})`);
    }
    return figures;
  } catch (err) {
    console.error(`      ${name} failed:`, err);
    return [{
      name: `${name}: FAILED (${err instanceof Error ? err.message : err})`,
      value: NaN,
      unit: "",
    }];
  }
}

export const engine: Bench = {
  id: "engine",
  name: "engine: Worker pool latency, parallelism, sharp and bare references, cold start, RSS",
  run: async () => {
    const figures: Figure[] = [];
    const app = await startService(serviceEnv());
    try {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push(await uploadLarge(app.base));
      // Compiles the codecs in whichever thread does the work, untimed.
      await get(`${app.base}/${ids[0]}?size=m&quality=99`);
      figures.push(...await part("latency", () => latencyFigures(app, ids)));
      figures.push(...await part("parallelism", () => parallelism(app, ids[0])));
      figures.push(...await part("sharp", () => againstSharp(app, ids)));
      figures.push(...await part("bare", () => againstBare(app, ids[0])));
    } finally {
      await app.stop();
    }
    figures.push(...await part("cold start", coldStart));
    figures.push(...await part("peak RSS", peakRss));
    return figures;
  },
};
