import { createApp } from "../src/app.ts";
import { systemClock } from "../src/clock.ts";
import { loadConfig } from "../src/config.ts";
import { randomIds } from "../src/ids.ts";
import { buildServices, type Services } from "../src/services.ts";
import type { ImageUploaded } from "../domain/image/events.ts";
import { type EventStore, type NewEvent, NO_STREAM } from "../src/event_store/mod.ts";
import { streams } from "../domain/streams.ts";

/** A target the figure is held to: at least (`>=`) or below (`<`) `value`. */
export type Target = { op: ">=" | "<"; value: number };

/** One row of the result table. A figure without a target is printed for information only. */
export type Figure = {
  name: string;
  value: number;
  unit: string;
  digits?: number;
  target?: Target;
  note?: string;
};

/** `id` is the file's stem: `deno task bench <id>…` runs only those. */
export type Bench = { id: string; name: string; run(): Promise<Figure[]> };

/** MB here is 10^6 bytes, for throughput and memory alike. */
export const MB = 1_000_000;

/** Every KV file the suite writes lives here; run.ts removes the folder at the end. */
export const BENCH_DIR = new URL("../data/bench/", import.meta.url);
export const FIXTURES = new URL("../tests/fixtures/", import.meta.url);

export const fixture = (name: string) => Deno.readFile(new URL(name, FIXTURES));

/** Opens a fresh file-backed KV under data/bench/ and deletes its files when `use` settles. */
export async function withFileKv<T>(name: string, use: (kv: Deno.Kv) => Promise<T>): Promise<T> {
  await Deno.mkdir(BENCH_DIR, { recursive: true });
  const path = new URL(`${name}.kv`, BENCH_DIR).pathname;
  await removeKvFiles(path);
  const kv = await Deno.openKv(path);
  try {
    return await use(kv);
  } finally {
    kv.close();
    await removeKvFiles(path);
  }
}

async function removeKvFiles(path: string) {
  for (const suffix of ["", "-wal", "-shm", "-journal"]) {
    await Deno.remove(path + suffix).catch((err) => {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    });
  }
}

export const seconds = (startMs: number) => (performance.now() - startMs) / 1000;

/** Nearest-rank percentile of an unsorted sample (0 < p ≤ 100). */
export function percentile(sample: number[], p: number): number {
  const sorted = [...sample].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

const HEX = "0123456789abcdef";
const ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** A 10-character image id derived from a number, so runs are reproducible. */
export function imageIdFor(n: number, prefix = ""): string {
  let s = "";
  for (let v = n; s.length < 10 - prefix.length; v = Math.floor(v / 62)) s = ALNUM[v % 62] + s;
  return prefix + s;
}

function hex(n: number, length: number): string {
  let s = "";
  let v = n >>> 0;
  for (let i = 0; i < length; i++) {
    s += HEX[(v ^ (i * 2654435761)) & 15];
    v = (v * 1103515245 + 12345) >>> 0;
  }
  return s;
}

/** The event an anonymous upload decides, shaped exactly like `ImageUploaded` (schema 1). */
export function imageUploadedEvent(id: string, n: number): NewEvent {
  const now = 1_795_000_000 + n;
  const data: ImageUploaded = {
    id,
    source: "upload",
    owner: null,
    client: hex(n, 64),
    blob: { hash: hex(n * 7 + 1, 64), size: 80_000 + (n % 10_000) },
    format: "jpeg",
    extension: "jpg",
    mime: "image/jpeg",
    width: 1200,
    height: 1600,
    frames: 1,
    created_at: now,
    expires_at: now + 30 * 86_400,
  };
  return { type: "ImageUploaded", data, schema: 1 };
}

/** The metadata an upload appends with. */
export function appendMeta(n: number) {
  return {
    at: 1_795_000_000_000 + n,
    actor: `anon:${hex(n, 16)}`,
    command_id: hex(n * 3 + 2, 21),
    correlation_id: hex(n * 5 + 3, 36),
  };
}

/**
 * Appends `count` anonymous uploads numbered from `offset`, one event per commit, each to a
 * stream of its own: what the log holds after that many uploads.
 */
export async function appendUploads(store: EventStore, count: number, offset = 0) {
  for (let i = offset; i < offset + count; i++) {
    const id = imageIdFor(i);
    const res = await store.append({
      writes: [{
        stream: streams.image(id),
        expected: NO_STREAM,
        events: [imageUploadedEvent(id, i)],
      }],
      meta: appendMeta(i),
    });
    if (!res.ok) throw new Error(`append to image-${id} failed: ${res.reason}`);
  }
}

export type RunningApp = {
  base: string;
  services: Services;
  close(): Promise<void>;
};

const SECRET = "bench-secret-bench-secret-bench-secret!";

/**
 * The real app, built as main.ts and tests/support/test_app.ts build it, on a file KV and the
 * system clock, served on an ephemeral loopback port. The anonymous rate limits are raised
 * (they are still checked and counted on every upload) so that one client may upload hundreds.
 */
export function startApp(kv: Deno.Kv): RunningApp {
  const config = loadConfig({
    KV_PATH: ":memory:",
    PUBLIC_URL: "http://127.0.0.1",
    ANON_UPLOADS_PER_HOUR: "1000000",
    ANON_UPLOADS_PER_DAY: "1000000",
    // Lets one run try other gate sizes: INGEST_CONCURRENCY=1 deno task bench peak_rss
    ...Object.fromEntries(
      Object.entries(Deno.env.toObject()).filter(([k]) =>
        k.startsWith("INGEST_") || k === "IMAGE_WORKERS"
      ),
    ),
  });
  const services = buildServices(config, kv, systemClock, randomIds, SECRET);
  const app = createApp({ ...services, version: "bench" });
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, app.fetch);
  return {
    base: `http://127.0.0.1:${server.addr.port}`,
    services,
    async close() {
      await server.shutdown();
      services.runtime.close();
      services.vision.close();
      services.engine.close();
    },
  };
}

/** What an upload answered: the image object on 201, the error envelope otherwise. */
export type UploadAnswer = {
  status: number;
  body: { id?: string; extension?: string; error?: string; message?: string };
};

/** POSTs one multipart upload (FormData, as a browser would) and parses the answer. */
export async function upload(base: string, file: Blob, name: string): Promise<UploadAnswer> {
  const form = new FormData();
  form.append("file", file, name);
  const res = await fetch(`${base}/v1/upload`, { method: "POST", body: form });
  return { status: res.status, body: parseAnswer(await res.text()) };
}

export function parseAnswer(text: string): UploadAnswer["body"] {
  try {
    return JSON.parse(text);
  } catch {
    return { error: text.slice(0, 80) };
  }
}

/** "201", or e.g. "500 internal_error (Could not store the image…)": a label to count by. */
export function answerLabel(a: UploadAnswer): string {
  if (a.status === 201) return "201";
  const message = (a.body.message ?? "").replace(/ \(request [^)]*\)/, "").slice(0, 48);
  return `${a.status} ${a.body.error ?? ""}${message ? ` (${message})` : ""}`;
}

export function countLabels(labels: string[]): string {
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  return [...counts].map(([l, n]) => `${n} x ${l}`).join(", ");
}

/**
 * Collects what the server logs with console.error (the app logs every 500 with its stack)
 * instead of flooding the output; the first line of the first one goes into the table.
 */
export function captureServerErrors() {
  const original = console.error;
  const lines: string[] = [];
  console.error = (...args: unknown[]) => {
    lines.push(
      args.map((a) => a instanceof Error ? `${a.name}: ${a.message}` : String(a)).join(" "),
    );
  };
  return {
    get count() {
      return lines.length;
    },
    /** Restores console.error and summarises what was logged. */
    stop(): string {
      console.error = original;
      if (lines.length === 0) return "";
      // Without the request id, and with hashes shortened, so the table stays readable.
      const first = lines[0].replace(/^\[[^\]]*\] /, "").replace(
        /([0-9a-f]{8})[0-9a-f]{56}/g,
        "$1…",
      );
      return `server logged ${lines.length} errors, first: ${first}`;
    },
  };
}

/** Polls /healthz every 25 ms while `work` runs; the slowest answer is the figure. */
export async function whileProbing<T>(base: string, work: () => Promise<T>) {
  let done = false;
  let slowest = 0;
  const probing = (async () => {
    while (!done) {
      const at = performance.now();
      const res = await fetch(`${base}/healthz`);
      await res.body?.cancel();
      slowest = Math.max(slowest, performance.now() - at);
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  const started = performance.now();
  const value = await work();
  const ms = performance.now() - started;
  done = true;
  await probing;
  return { value, ms, slowest };
}
