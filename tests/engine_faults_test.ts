import assert from "node:assert/strict";
import { createApp } from "../src/app.ts";
import { fixedClock } from "../src/clock.ts";
import { loadConfig } from "../src/config.ts";
import { Engine } from "../src/engine/mod.ts";
import { randomIds } from "../src/ids.ts";
import { buildServices, engineOptions } from "../src/services.ts";
import { expectError, uploadOk } from "./support/http.ts";
import { fixture } from "./support/test_app.ts";

const FAULT_WORKER = new URL("./support/fault_worker.ts", import.meta.url);

/** The whole service, with a pool whose Workers crash or spin on the fault worker's cues. */
async function faultyApp(env: Record<string, string> = {}) {
  const config = loadConfig({
    KV_PATH: ":memory:",
    PUBLIC_URL: "http://img.test",
    IMAGE_WORKERS: "2",
    ...env,
  });
  const kv = await Deno.openKv(":memory:");
  const engine = new Engine(engineOptions(config, FAULT_WORKER));
  const services = buildServices(
    config,
    kv,
    fixedClock(Date.UTC(2026, 10, 25, 12)),
    randomIds,
    "test-secret-test-secret-test-secret!",
    { engine },
  );
  const app = createApp({ ...services, version: "test" });
  return {
    app,
    engine,
    close() {
      services.runtime.close();
      engine.close();
      kv.close();
    },
  };
}

Deno.test("a transform that crashes its Worker gets 503 retry; the Worker is replaced and the next request works", async () => {
  const t = await faultyApp();
  try {
    const img = await uploadOk(t as never, await fixture("coffee.png"), "c.png");
    const crashed = await t.app.request(`/${img.id}.png?blur=13.37`);
    const body = await expectError(crashed, 503, "overloaded", "retry");
    assert.equal(crashed.headers.get("retry-after"), String(body.action.seconds));
    assert.equal(t.engine.pool?.replaced, 1);
    // Every Worker is used again, the replaced one included.
    const after = await Promise.all(
      ["blur=1", "blur=2", "blur=3"].map((q) => t.app.request(`/${img.id}.png?${q}`)),
    );
    assert.deepEqual(after.map((r) => r.status), [200, 200, 200]);
    for (const r of after) assert.equal((await r.bytes())[1], 0x50); // "PNG"
  } finally {
    t.close();
  }
});

Deno.test("a transform that loops past the job deadline gets 503 retry, and the pool keeps serving", async () => {
  const t = await faultyApp({ IMAGE_JOB_TIMEOUT_MS: "2000" });
  try {
    const img = await uploadOk(t as never, await fixture("coffee.png"), "c.png");
    const started = Date.now();
    const spun = await t.app.request(`/${img.id}.png?blur=42.42`);
    await expectError(spun, 503, "overloaded", "retry");
    const took = Date.now() - started;
    assert.ok(took >= 1900 && took < 15_000, `answered after ${took} ms`);
    assert.equal(t.engine.pool?.replaced, 1);
    const next = await t.app.request(`/${img.id}.png?blur=2`);
    assert.equal(next.status, 200);
    await next.body?.cancel();
  } finally {
    t.close();
  }
});

Deno.test("bad input inside a Worker keeps its own 4xx; errors cross the boundary as data", async () => {
  const t = await faultyApp();
  try {
    const jpeg = await fixture("rocket.jpg");
    const res = await t.app.request("/v1/upload", {
      method: "POST",
      body: (() => {
        const form = new FormData();
        form.append("file", new Blob([jpeg.slice(0, 600)]), "cut.jpg");
        return form;
      })(),
    });
    await expectError(res, 422, "invalid_image", "fix");
    assert.equal(t.engine.pool?.replaced, 0);
  } finally {
    t.close();
  }
});

Deno.test("shutdown refuses new jobs, stops a running one and returns within 5 s", async () => {
  const config = loadConfig({ KV_PATH: ":memory:", IMAGE_WORKERS: "1" });
  const engine = new Engine(engineOptions(config, FAULT_WORKER));
  const bytes = await fixture("coffee.png");
  const source = { bytes, format: "png" as const, width: 1, height: 1, frames: 1 };
  const limits = { maxPixels: 50_000_000 };
  const running = engine.transform(source, { blur: 42.42 }, "png", limits).catch((e) => e);
  await new Promise((r) => setTimeout(r, 300));
  const started = Date.now();
  await engine.shutdown(1000);
  assert.ok(Date.now() - started < 5000);
  const failed = await running;
  assert.equal(failed.code, "overloaded");
  assert.ok(failed.details.retryAfter > 0);
  const refused = await engine.transform(
    { ...source, bytes: await fixture("coffee.png") },
    {},
    "png",
    limits,
  ).catch((e) => e);
  assert.equal(refused.code, "overloaded");
  assert.match(refused.message, /shutting down/);
});
