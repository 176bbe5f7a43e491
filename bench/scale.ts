/**
 * `deno task bench:scale [n]` (default 100000): builds n stored images in-process on a file KV
 * (appends shaped exactly like uploads) and, at 1k, 10k, 100k… up to n, measures what should
 * not grow with the store: real upload latency, list latency, KV bytes per image; and what
 * should grow linearly: the expiry job's scan and `deno task replay` (time and peak memory,
 * in a process of its own). Prints one table; no targets are enforced here.
 */
import { ALL_PROJECTIONS } from "../projections/mod.ts";
import { createApp } from "../src/app.ts";
import { systemClock } from "../src/clock.ts";
import { loadConfig } from "../src/config.ts";
import { EventStore } from "../src/event_store/mod.ts";
import { randomIds } from "../src/ids.ts";
import { runExpiryJob } from "../src/images/expire_job.ts";
import { openKv } from "../src/kv.ts";
import { buildServices } from "../src/services.ts";
import { appendUploads, BENCH_DIR, fixture, percentile } from "./support.ts";

const n = Number(Deno.args[0] ?? 100_000);
if (!Number.isInteger(n) || n < 1000) {
  console.error("usage: deno task bench:scale [n ≥ 1000], e.g. deno task bench:scale 100000");
  Deno.exit(2);
}
const WORKERS = 8;
const SAMPLES = 30;
const SECRET = "bench-secret-bench-secret-bench-secret!";
// Past every bulk image's expires_at (bench/support.ts: 1_795_000_000 + i, plus 30 days).
const AFTER_ALL_EXPIRE_MS = (1_795_000_000 + 31 * 86_400) * 1000 + n * 1000;

await Deno.mkdir(BENCH_DIR, { recursive: true });
const kvPath = new URL("scale.kv", BENCH_DIR).pathname;
const removeKv = async () => {
  for (const s of ["", "-wal", "-shm"]) await Deno.remove(kvPath + s).catch(() => {});
};
await removeKv();

const config = loadConfig({
  KV_PATH: kvPath,
  PUBLIC_URL: "http://127.0.0.1",
  ANON_UPLOADS_PER_HOUR: "100000000",
  ANON_UPLOADS_PER_DAY: "100000000",
  PLAN_FREE_UPLOADS: "100000000",
  PLAN_FREE_STORAGE: "100000000000",
});
const kv = await openKv(kvPath);
const services = buildServices(config, kv, systemClock, randomIds, SECRET);
const app = createApp({ ...services, version: "bench" });
const store = new EventStore(kv, ALL_PROJECTIONS);

const ms = (t: number) => performance.now() - t;
const gif = await fixture("animated.gif");
let uploadCounter = 0;
const distinctGif = () => {
  const g = gif.slice();
  const k = uploadCounter++;
  g[13] = k & 255;
  g[14] = (k >> 8) & 255;
  return g;
};

// One account whose list is timed; its images are real uploads through the HTTP stack.
async function apiKey(): Promise<string> {
  const reg = await app.request("/auth/register", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://127.0.0.1" },
    body: new URLSearchParams({ email: "bench@example.test", password: "correct horse battery" }),
  });
  const cookie = reg.headers.getSetCookie()[0].split(";")[0];
  const res = await app.request("/v1/keys", {
    method: "POST",
    headers: { cookie, origin: "http://127.0.0.1", "content-type": "application/json" },
    body: JSON.stringify({ name: "bench" }),
  });
  return (await res.json()).key;
}
const key = await apiKey();

async function timedUploads(): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const form = new FormData();
    form.append("file", new Blob([distinctGif()]), "b.gif");
    const t = performance.now();
    const res = await app.request("/v1/upload", {
      method: "POST",
      body: form,
      headers: { authorization: `Bearer ${key}` },
    });
    await res.body?.cancel();
    if (res.status !== 201) throw new Error(`upload answered ${res.status}`);
    out.push(ms(t));
  }
  return out;
}

async function timedLists(): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const t = performance.now();
    const res = await app.request("/v1/images?limit=50", {
      headers: { authorization: `Bearer ${key}` },
    });
    await res.body?.cancel();
    out.push(ms(t));
  }
  return out;
}

async function kvBytes(): Promise<number> {
  let total = 0;
  for (const s of ["", "-wal"]) total += await Deno.stat(kvPath + s).then((i) => i.size, () => 0);
  return total;
}

/** The replay in a process of its own (bench/replay_probe.ts), with its peak resident memory. */
async function replayProcess(): Promise<{ seconds: number; peakMiB: number; ok: boolean }> {
  const out = await new Deno.Command(Deno.execPath(), {
    // The same V8 flag as `deno task replay` (deno.json): a 2 MiB young generation keeps the
    // garbage of a long scan from inflating resident memory.
    args: [
      "run",
      "--v8-flags=--max-semi-space-size=2",
      "--allow-env",
      "--allow-read",
      "--allow-write=./data",
      "bench/replay_probe.ts",
    ],
    env: { KV_PATH: kvPath, SECRET, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const r = JSON.parse(new TextDecoder().decode(out.stdout));
  return { seconds: r.seconds, peakMiB: r.peak_rss / 2 ** 20, ok: r.differences === 0 };
}

const checkpoints: number[] = [];
for (let c = 1000; c < n; c *= 10) checkpoints.push(c);
checkpoints.push(n);

type Row = Record<string, string>;
const rows: Row[] = [];
let built = 0;
for (const c of checkpoints) {
  const t = performance.now();
  const per = Math.ceil((c - built) / WORKERS);
  await Promise.all(
    Array.from({ length: WORKERS }, (_, w) => {
      const from = built + w * per;
      const count = Math.max(0, Math.min(per, c - from));
      return count ? appendUploads(store, count, from) : Promise.resolve();
    }),
  );
  console.error(`built ${c} images (${(ms(t) / 1000).toFixed(1)} s)`);
  built = c;
  const uploads = await timedUploads();
  const lists = await timedLists();
  const te = performance.now();
  const dry = await runExpiryJob(services, { nowMs: AFTER_ALL_EXPIRE_MS, dryRun: true });
  const expirySeconds = ms(te) / 1000;
  const bytes = await kvBytes();
  const rp = await replayProcess();
  rows.push({
    images: c.toLocaleString("en-US"),
    "upload p50/p95 ms": `${percentile(uploads, 50).toFixed(1)} / ${
      percentile(uploads, 95).toFixed(1)
    }`,
    "list p50/p95 ms": `${percentile(lists, 50).toFixed(1)} / ${percentile(lists, 95).toFixed(1)}`,
    "expiry dry run s": `${expirySeconds.toFixed(2)} (${dry.due.length} due)`,
    "replay s": `${rp.seconds.toFixed(1)}${rp.ok ? "" : " (DIFFERENCES)"}`,
    "replay peak MiB": rp.peakMiB.toFixed(0),
    "KV bytes/image": Math.round(bytes / (c + uploadCounter)).toLocaleString("en-US"),
  });
  console.error(JSON.stringify(rows.at(-1)));
}

// The real expiry of a bounded batch, as one cron run does it (EXPIRY_PER_RUN per hour).
const sample = Math.min(2000, n);
const tx = performance.now();
const real = await runExpiryJob(services, { nowMs: AFTER_ALL_EXPIRE_MS, limit: sample });
const perSecond = real.expired / (ms(tx) / 1000);

const header = Object.keys(rows[0]);
const widths = header.map((h) => Math.max(h.length, ...rows.map((r) => r[h].length)));
const line = (cells: string[]) => cells.map((s, i) => s.padEnd(widths[i])).join(" | ");
console.log(
  [
    line(header),
    widths.map((w) => "-".repeat(w)).join("-|-"),
    ...rows.map((r) => line(header.map((h) => r[h]))),
  ]
    .join("\n"),
);
console.log(
  `\nreal expiry: ${real.expired} images in ${(ms(tx) / 1000).toFixed(1)} s ` +
    `(${perSecond.toFixed(0)} images/s; ${real.failed.length} failed)\n` +
    `KV bytes/image counts the file KV (with WAL) over every stored image; the bulk images ` +
    `reference bytes that are not stored, so this is the metadata cost per image.\n` +
    `${Deno.build.os}/${Deno.build.arch}, deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} cores`,
);
services.runtime.close();
kv.close();
await removeKv();
