import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "../src/config.ts";
import { postUpload, withApp } from "./support/http.ts";
import { fixture } from "./support/test_app.ts";

Deno.test("past the upload queue a request is refused with 503 overloaded and Retry-After", async () => {
  await withApp(async (t) => {
    const bytes = await fixture("rocket.jpg");
    const results = await Promise.all([1, 2, 3].map(() => postUpload(t, bytes, "rocket.jpg")));
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [201, 201, 503]);
    const refused = results.find((r) => r.status === 503)!;
    const body = await refused.json();
    assert.equal(body.error, "overloaded");
    assert.equal(body.action.type, "retry");
    assert.equal(refused.headers.get("retry-after"), String(body.action.seconds));
    for (const r of results) if (r.status !== 503) await r.body?.cancel();
  }, { INGEST_CONCURRENCY: "1", INGEST_QUEUE: "1" });
});

Deno.test("queued uploads all complete once a slot frees up", async () => {
  await withApp(async (t) => {
    const bytes = await fixture("portrait.jpg");
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => postUpload(t, bytes, "p.jpg")));
    assert.deepEqual(results.map((r) => r.status), [201, 201, 201, 201, 201]);
    for (const r of results) await r.body?.cancel();
  }, { INGEST_CONCURRENCY: "1", INGEST_QUEUE: "10" });
});

Deno.test("UPLOAD_BODY_TIMEOUT_MS defaults to 30 s and is read from the environment", () => {
  assert.equal(loadConfig({ KV_PATH: ":memory:" }).ingest.bodyTimeoutMs, 30_000);
  assert.equal(
    loadConfig({ KV_PATH: ":memory:", UPLOAD_BODY_TIMEOUT_MS: "1500" }).ingest.bodyTimeoutMs,
    1500,
  );
  assert.throws(
    () => loadConfig({ KV_PATH: ":memory:", UPLOAD_BODY_TIMEOUT_MS: "0" }),
    ConfigError,
  );
});

Deno.test("a body that stops arriving is refused with 422 validation_error and frees its slot", async () => {
  await withApp(async (t) => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      cancel() {
        cancelled = true;
      },
      start(c) {
        c.enqueue(new TextEncoder().encode('--B\r\nContent-Disposition: form-data; name="file"'));
      },
    });
    const stalled = await t.app.request("/v1/upload", {
      method: "POST",
      body,
      headers: { "content-type": "multipart/form-data; boundary=B" },
    });
    const envelope = await stalled.json();
    assert.equal(stalled.status, 422);
    assert.equal(envelope.error, "validation_error");
    assert.equal(envelope.action.type, "fix");
    assert.equal(envelope.action.field, "body");
    assert.ok(cancelled, "the stalled body is let go");
    // The only slot is free again.
    const next = await postUpload(t, await fixture("rocket.jpg"), "rocket.jpg");
    assert.equal(next.status, 201);
    await next.body?.cancel();
  }, { INGEST_CONCURRENCY: "1", INGEST_QUEUE: "1", UPLOAD_BODY_TIMEOUT_MS: "200" });
});
