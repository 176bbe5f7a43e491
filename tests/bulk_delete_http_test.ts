import assert from "node:assert/strict";
import { account, distinctImage, keyedUpload, signUp, withKey } from "./support/accounts.ts";
import { expectError, type TestApp, uploadOk, withApp } from "./support/http.ts";

const bulkDelete = (t: TestApp, key: string, body: unknown) =>
  withKey(t, key, "/v1/images", {
    method: "DELETE",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

async function keyedId(t: TestApp, key: string, i: number): Promise<string> {
  const res = await keyedUpload(t, key, await distinctImage(i));
  const body = await res.json();
  assert.equal(res.status, 201, JSON.stringify(body));
  return body.id;
}

type Bulk = {
  deleted: number;
  failed: number;
  results: { id: string; status: string; error?: { error: string } }[];
};

Deno.test("DELETE /v1/images deletes the caller's images and reports each id's result", async () => {
  await withApp(async (t) => {
    const me = await signUp(t);
    const other = await signUp(t);
    const mine = [await keyedId(t, me.key, 1), await keyedId(t, me.key, 2)];
    const theirs = await keyedId(t, other.key, 3);
    const anon = (await uploadOk(t, await distinctImage(4), "a.gif")).id;
    const before = (await account(t, me.key)).usage.storage_used_bytes;
    assert.ok(before > 0);

    const res = await bulkDelete(t, me.key, {
      ids: [mine[0], theirs, mine[1], mine[0], anon, "Zz0000000z"],
    });
    const body = await res.json() as Bulk;
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.deepEqual(
      body.results.map((r) => [r.id, r.status, r.error?.error]),
      [
        [mine[0], "deleted", undefined],
        [theirs, "failed", "not_found"],
        [mine[1], "deleted", undefined],
        [anon, "failed", "not_found"],
        ["Zz0000000z", "failed", "not_found"],
      ],
    );
    assert.equal(body.deleted, 2);
    assert.equal(body.failed, 3);
    for (const id of mine) assert.equal((await t.app.request(`/${id}`)).status, 410);
    // Another account's image and the anonymous one are untouched.
    for (const id of [theirs, anon]) {
      const r = await t.app.request(`/${id}`);
      assert.equal(r.status, 200);
      await r.body?.cancel();
    }
    assert.equal((await account(t, me.key)).usage.storage_used_bytes, 0, "storage released");

    // Deleting again reports gone for each.
    const again = await (await bulkDelete(t, me.key, { ids: mine })).json() as Bulk;
    assert.deepEqual(again.results.map((r) => r.error?.error), ["gone", "gone"]);
    assert.equal(again.deleted, 0);
  });
});

Deno.test("DELETE /v1/images takes 1 to 100 well-formed ids and needs a key", async () => {
  await withApp(async (t) => {
    const { key } = await signUp(t);
    const ids = Array.from({ length: 101 }, (_, i) => `A${String(i).padStart(9, "0")}`);
    await expectError(await bulkDelete(t, key, { ids }), 422, "validation_error");
    await expectError(await bulkDelete(t, key, { ids: [] }), 422, "validation_error");
    await expectError(await bulkDelete(t, key, { ids: ["../etc"] }), 422, "validation_error");
    await expectError(
      await bulkDelete(t, key, { ids: ["A000000000"], x: 1 }),
      422,
      "validation_error",
    );
    const hundred = await bulkDelete(t, key, { ids: ids.slice(0, 100) });
    const body = await hundred.json() as Bulk;
    assert.equal(hundred.status, 200);
    assert.equal(body.results.length, 100);
    const anon = await t.app.request("/v1/images", {
      method: "DELETE",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ids: ["A000000000"] }),
    });
    await expectError(anon, 401, "unauthorized", "register");
  });
});

Deno.test("DELETE /v1/images racing expiry reports every id, deleted or gone, and frees storage once", async () => {
  await withApp(async (t) => {
    const me = await signUp(t);
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      const res = await keyedUpload(t, me.key, await distinctImage(i), "a.gif", { ttl: "1h" });
      const body = await res.json();
      assert.equal(res.status, 201, JSON.stringify(body));
      ids.push(body.id);
    }
    const { runExpiryJob } = await import("../src/images/expire_job.ts");
    // The job runs as if an hour had passed, so images end under the bulk delete's feet.
    const [res] = await Promise.all([
      bulkDelete(t, me.key, { ids }),
      runExpiryJob(t.services, { nowMs: t.clock.now() + 2 * 3600_000 }),
    ]);
    const body = await res.json() as Bulk;
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.deepEqual(body.results.map((r) => r.id), ids, "every id reported, in order");
    for (const r of body.results) {
      assert.ok(r.status === "deleted" || r.error?.error === "gone", JSON.stringify(r));
    }
    assert.equal(body.deleted + body.failed, ids.length);
    assert.equal((await account(t, me.key)).usage.storage_used_bytes, 0, "released once each");
  });
});
