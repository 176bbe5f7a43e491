/**
 * `deno task bench:backends`: the same uploads and deliveries with the bytes in KV and in S3
 * (a real s3rver on loopback, as the tests use): upload latency, delivery latency of an
 * original (first byte and whole body), and the KV file's bytes per stored image.
 */
import { createApp } from "../src/app.ts";
import { systemClock } from "../src/clock.ts";
import { loadConfig } from "../src/config.ts";
import { randomIds } from "../src/ids.ts";
import { openKv } from "../src/kv.ts";
import { buildServices } from "../src/services.ts";
import { startS3rver } from "../tests/support/s3rver.ts";
import { noisePng } from "./noise_png.ts";
import { BENCH_DIR, fixture, percentile } from "./support.ts";

const UPLOADS = Number(Deno.args[0] ?? 60);
const GETS = 40;
const SECRET = "bench-secret-bench-secret-bench-secret!";

async function run(backend: "kv" | "s3", s3Env: Record<string, string>) {
  await Deno.mkdir(BENCH_DIR, { recursive: true });
  const kvPath = new URL(`backend-${backend}.kv`, BENCH_DIR).pathname;
  const remove = async () => {
    for (const s of ["", "-wal", "-shm"]) await Deno.remove(kvPath + s).catch(() => {});
  };
  await remove();
  const config = loadConfig({
    KV_PATH: kvPath,
    PUBLIC_URL: "http://127.0.0.1",
    ANON_UPLOADS_PER_HOUR: "1000000",
    ANON_UPLOADS_PER_DAY: "1000000",
    ...(backend === "s3" ? s3Env : {}),
  });
  const kv = await openKv(kvPath);
  const services = buildServices(config, kv, systemClock, randomIds, SECRET);
  const app = createApp({ ...services, version: "bench" });
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, app.fetch);
  const base = `http://127.0.0.1:${server.addr.port}`;
  try {
    const uploads: number[] = [];
    let stored = 0;
    for (let i = 0; i < UPLOADS; i++) {
      const png = noisePng(256, 256); // ~197 KB of incompressible pixels, distinct every time
      stored += png.length;
      const form = new FormData();
      form.append("file", new Blob([png as Uint8Array<ArrayBuffer>]), "n.png");
      const t = performance.now();
      const res = await fetch(`${base}/v1/upload`, { method: "POST", body: form });
      await res.body?.cancel();
      if (res.status !== 201) throw new Error(`${backend} upload answered ${res.status}`);
      uploads.push(performance.now() - t);
    }
    const large = await fixture("large.jpg");
    const form = new FormData();
    form.append("file", new Blob([large]), "large.jpg");
    const up = await fetch(`${base}/v1/upload`, { method: "POST", body: form });
    const { id } = await up.json();
    const firstByte: number[] = [];
    const whole: number[] = [];
    for (let i = 0; i < GETS; i++) {
      const t = performance.now();
      // metadata=keep serves the stored original itself (no variant).
      const res = await fetch(`${base}/${id}.jpg?metadata=keep`);
      const reader = res.body!.getReader();
      let n = (await reader.read()).value?.length ?? 0;
      firstByte.push(performance.now() - t);
      for (let r = await reader.read(); !r.done; r = await reader.read()) n += r.value.length;
      whole.push(performance.now() - t);
      if (res.status !== 200 || n !== large.length) {
        throw new Error(`${backend} GET ${res.status} ${n}`);
      }
    }
    // Logical bytes (keys and values), not the file's size: a small SQLite file is mostly WAL.
    let kvBytes = 0;
    for await (const e of kv.list({ prefix: [] })) {
      kvBytes += JSON.stringify(e.key).length;
      kvBytes += e.value instanceof Uint8Array ? e.value.length : JSON.stringify(e.value).length;
    }
    return {
      backend,
      upload: uploads,
      firstByte,
      whole,
      kvPerImage: kvBytes / (UPLOADS + 1),
      bytesPerImage: (stored + large.length) / (UPLOADS + 1),
    };
  } finally {
    await server.shutdown();
    services.runtime.close();
    kv.close();
    await remove();
  }
}

const s3 = await startS3rver();
const results = [];
try {
  results.push(await run("kv", {}));
  results.push(await run("s3", s3.env("bench/")));
} finally {
  await s3.close();
}
const f = (xs: number[]) => `${percentile(xs, 50).toFixed(1)} / ${percentile(xs, 95).toFixed(1)}`;
console.log(
  "backend | upload 197 KB PNG p50/p95 ms | GET 3 MB original: first byte p50/p95 ms | whole p50/p95 ms | KV bytes (keys + values) per image (avg image bytes)",
);
for (const r of results) {
  console.log(
    `${r.backend.padEnd(7)} | ${f(r.upload).padEnd(28)} | ${f(r.firstByte).padEnd(40)} | ${
      f(r.whole).padEnd(16)
    } | ` +
      `${Math.round(r.kvPerImage).toLocaleString("en-US")} (${
        Math.round(r.bytesPerImage).toLocaleString("en-US")
      })`,
  );
}
console.log(
  `${UPLOADS} uploads and ${GETS} GETs per backend, one at a time, over loopback HTTP; s3rver ${"3.7.1"} ` +
    `stores objects on the local disk. ${Deno.build.os}/${Deno.build.arch}, ${navigator.hardwareConcurrency} cores`,
);
