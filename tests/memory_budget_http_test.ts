/**
 * Issue 13, item 2: memory is budgeted and given back. Pixel jobs are admitted by their
 * estimated peak memory (IMAGE_MEMORY_MB), so a burst of decompression bombs queues instead of
 * stacking gigabytes, and a Worker a large job left big is replaced. These run with the Worker
 * pool (inline, nothing can be recycled and /healthz waits behind a decode). Exact RSS and
 * latency targets are in `deno task bench memory`.
 */
import assert from "node:assert/strict";
import { type ErrorJson, postUpload, type TestApp, withApp } from "./support/http.ts";
import { ConfigError, loadConfig } from "../src/config.ts";
import { pngBomb } from "./support/images.ts";
import { fixture } from "./support/test_app.ts";
import { encodeJpeg } from "../src/codecs/mod.ts";

// Generous: four 49 MP decodes in a row on a shared 2-core machine.
const HEALTHZ_WITHIN_MS = 2_000;
const POOL = { IMAGE_WORKERS: "2" };

/** Runs `requests` while polling /healthz and sampling the memory the queue admitted. */
async function whileProbing(t: TestApp, requests: () => Promise<Response[]>) {
  let done = false;
  let slowest = 0;
  let probes = 0;
  let admitted = 0;
  const probing = (async () => {
    while (!done) {
      const at = performance.now();
      const res = await t.app.request("/healthz");
      await res.body?.cancel();
      assert.equal(res.status, 200);
      slowest = Math.max(slowest, performance.now() - at);
      admitted = Math.max(admitted, t.services.engine.queue.memoryInUse);
      probes++;
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  try {
    return { responses: await requests(), slowest, probes, admitted: () => admitted };
  } finally {
    done = true;
    await probing;
  }
}

Deno.test("four 49 MP PNG bombs at once are all answered, one at a time, and /healthz answers meanwhile", async () => {
  const bomb = await pngBomb(7000, 7000);
  assert.ok(bomb.length < 250_000, `the bomb is ${bomb.length} bytes`);
  await withApp(async (t) => {
    const r = await whileProbing(
      t,
      () => Promise.all([1, 2, 3, 4].map((i) => postUpload(t, bomb.slice(), `bomb${i}.png`))),
    );
    for (const res of r.responses) {
      const body = await res.json();
      if (res.status === 503) {
        const err = body as ErrorJson;
        assert.equal(err.error, "overloaded");
        assert.equal(err.action.type, "retry");
        assert.equal(res.headers.get("retry-after"), String(err.action.seconds));
      } else {
        assert.equal(res.status, 201, JSON.stringify(body));
        assert.deepEqual([body.width, body.height], [7000, 7000]);
      }
    }
    assert.ok(r.responses.some((res) => res.status === 201));
    assert.ok(r.probes > 0);
    assert.ok(r.slowest < HEALTHZ_WITHIN_MS, `/healthz took ${Math.round(r.slowest)} ms`);
    // Each bomb is estimated past the 384 MB budget on its own: never two at once.
    const budget = t.services.config.engine.memoryBytes;
    assert.ok(r.admitted() > 0);
    assert.ok(r.admitted() < 2 * budget, `${r.admitted()} bytes admitted at once`);
    assert.equal(t.services.engine.queue.memoryInUse, 0);
  }, POOL);
});

Deno.test("an upload larger than the whole memory budget waits for the running one, then runs", async () => {
  const bomb = await pngBomb(3000, 3000);
  const small = await fixture("rocket.jpg");
  await withApp(async (t) => {
    // 16 MB: the small upload alone fits; the 9 MP PNG (about 130 MB) fits in no budget this small.
    const results = await Promise.all([
      postUpload(t, small, "rocket.jpg"),
      postUpload(t, bomb, "big.png"),
      postUpload(t, small.slice(), "rocket2.jpg"),
    ]);
    const bodies = await Promise.all(results.map((r) => r.json()));
    assert.deepEqual(results.map((r) => r.status), [201, 201, 201], JSON.stringify(bodies));
    assert.deepEqual([bodies[1].width, bodies[1].height], [3000, 3000]);
    assert.equal(t.services.engine.queue.memoryInUse, 0);
  }, { ...POOL, IMAGE_MEMORY_MB: "16" });
});

Deno.test("a Worker left past IMAGE_WORKER_RECYCLE_MB by a job is replaced, and the next job works", async () => {
  const bomb = await pngBomb(4000, 4000);
  const small = await fixture("rocket.jpg");
  await withApp(async (t) => {
    const pool = t.services.engine.pool!;
    const first = await postUpload(t, small, "rocket.jpg");
    assert.equal(first.status, 201);
    await first.body?.cancel();
    assert.equal(pool.recycled, 0, `a small job left ${pool.lastMemoryBytes} bytes`);
    const big = await postUpload(t, bomb, "big.png");
    assert.equal(big.status, 201, await big.clone().text());
    await big.body?.cancel();
    assert.ok(pool.lastMemoryBytes > 64 * 1_000_000, `${pool.lastMemoryBytes} bytes reported`);
    assert.equal(pool.recycled, 1);
    const next = await postUpload(t, small.slice(), "again.jpg");
    assert.equal(next.status, 201);
    await next.body?.cancel();
    assert.equal(pool.recycled, 1);
    assert.equal(pool.replaced, 0);
  }, { IMAGE_WORKERS: "1", IMAGE_WORKER_RECYCLE_MB: "64" });
});

Deno.test("IMAGE_MEMORY_MB defaults to 384 and IMAGE_WORKER_RECYCLE_MB to 256, both read from the environment", () => {
  const defaults = loadConfig({ KV_PATH: ":memory:" }).engine;
  assert.deepEqual([defaults.memoryBytes, defaults.recycleBytes], [384_000_000, 256_000_000]);
  const set = loadConfig({
    KV_PATH: ":memory:",
    IMAGE_MEMORY_MB: "2048",
    IMAGE_WORKER_RECYCLE_MB: "100",
  }).engine;
  assert.deepEqual([set.memoryBytes, set.recycleBytes], [2_048_000_000, 100_000_000]);
  assert.throws(() => loadConfig({ KV_PATH: ":memory:", IMAGE_MEMORY_MB: "0" }), ConfigError);
});

/** A 16 MP baseline JPEG with some detail (a gradient), made by the service's own encoder. */
function bigJpeg(side = 4000): Uint8Array {
  const data = new Uint8Array(side * side * 4);
  for (let i = 0; i < data.length; i += 4) data.set([(i >> 6) & 255, 90, 160, 255], i);
  return encodeJpeg({ width: side, height: side, data }, 80);
}

Deno.test("a large JPEG is validated at 1/8 scale at upload, stored as sent, and a truncated one is still refused", async () => {
  const jpeg = bigJpeg();
  await withApp(async (t) => {
    const pool = t.services.engine.pool!;
    const res = await postUpload(t, jpeg, "big.jpg");
    const body = await res.json();
    assert.equal(res.status, 201, JSON.stringify(body));
    assert.deepEqual([body.width, body.height], [4000, 4000]);
    // A full-size decode left this Worker at ~98 MB (16 MP × 4 bytes and the codec's own
    // buffers); decoded at 1/8 it is left at ~23 MB, heap and codecs included.
    assert.ok(pool.lastMemoryBytes < 60_000_000, `${pool.lastMemoryBytes} bytes after ingest`);
    const original = await t.app.request(`/${body.id}.jpg?metadata=keep`);
    assert.equal(original.status, 200);
    assert.equal((await original.bytes()).length, jpeg.length);
    const cut = await postUpload(t, jpeg.slice(0, Math.floor(jpeg.length / 2)), "cut.jpg");
    const err = await cut.json();
    assert.equal(cut.status, 422, JSON.stringify(err));
    assert.equal(err.error, "invalid_image");
  }, { IMAGE_WORKERS: "1" });
});
