import assert from "node:assert/strict";
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
