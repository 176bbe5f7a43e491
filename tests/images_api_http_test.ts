import assert from "node:assert/strict";
import { runExpiryJob } from "../src/images/expire_job.ts";
import {
  account,
  distinctImage,
  drain,
  eventTypes,
  keyedUpload,
  ORIGIN,
  signUp,
  smallImage,
  withKey,
} from "./support/accounts.ts";
import { expectError, type ImageJson, postUpload, type TestApp, withApp } from "./support/http.ts";
import { testApp } from "./support/test_app.ts";
import { streams } from "../domain/streams.ts";

type Owned = ImageJson & { version: number; source: string; frames: number };
type Page = { data: Owned[]; next_cursor: string | null; has_more: boolean };

async function keyedOk(t: TestApp, key: string, bytes: Uint8Array, fields = {}): Promise<Owned> {
  const res = await keyedUpload(t, key, bytes, "a.gif", fields);
  const body = await res.json();
  assert.equal(res.status, 201, JSON.stringify(body));
  return body;
}

async function listPage(t: TestApp, key: string, query: string): Promise<Page> {
  const res = await withKey(t, key, `/v1/images${query}`);
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  return body;
}

const patch = (t: TestApp, key: string, id: string, body: unknown, ifMatch?: string) =>
  withKey(t, key, `/v1/images/${id}`, {
    method: "PATCH",
    headers: { "content-type": "application/json", ...(ifMatch ? { "if-match": ifMatch } : {}) },
    body: JSON.stringify(body),
  });

Deno.test("the image list is newest first and pages with limit and an opaque cursor", async () => {
  await withApp(async (t) => {
    const { key } = await signUp(t);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await keyedOk(t, key, await distinctImage(i))).id);
      t.clock.advance(1_000);
    }
    const newestFirst = [...ids].reverse();

    const all = await listPage(t, key, "");
    assert.deepEqual(all.data.map((d) => d.id), newestFirst);
    assert.equal(all.has_more, false);
    assert.equal(all.next_cursor, null);
    assert.equal(all.data[0].version, 1);
    assert.equal(all.data[0].source, "upload");

    const seen: string[] = [];
    let query = "?limit=2";
    const pages: boolean[] = [];
    for (let n = 0; n < 5; n++) {
      const page = await listPage(t, key, query);
      seen.push(...page.data.map((d) => d.id));
      pages.push(page.has_more);
      if (!page.has_more) {
        assert.equal(page.next_cursor, null);
        break;
      }
      assert.equal(typeof page.next_cursor, "string");
      query = `?limit=2&cursor=${encodeURIComponent(page.next_cursor!)}`;
    }
    assert.deepEqual(pages, [true, true, false]);
    assert.deepEqual(seen, newestFirst);
  });
});

Deno.test("an invalid limit or cursor is 422, and listing needs a key", async () => {
  await withApp(async (t) => {
    const { key } = await signUp(t);
    for (const q of ["?limit=0", "?limit=101", "?limit=abc", "?limit=2.5"]) {
      const body = await expectError(
        await withKey(t, key, `/v1/images${q}`),
        422,
        "validation_error",
      );
      assert.equal(body.action.field, "limit", q);
    }
    await expectError(
      await withKey(t, key, "/v1/images?cursor=garbage!!"),
      422,
      "validation_error",
    );
    await expectError(await t.app.request("/v1/images"), 401, "unauthorized", "register");
  });
});

Deno.test("the owner sees the full image with its ETag; others see only the public fields", async () => {
  await withApp(async (t) => {
    const { key } = await signUp(t);
    const img = await keyedOk(t, key, await smallImage(), { caption: "mine", author: "me" });
    const own = await withKey(t, key, `/v1/images/${img.id}`);
    const ownBody = await own.json();
    assert.equal(own.status, 200);
    assert.equal(own.headers.get("etag"), 'W/"1"');
    assert.equal(ownBody.version, 1);
    assert.equal(ownBody.source, "upload");
    assert.equal(ownBody.caption, "mine");

    const anon = await t.app.request(`/v1/images/${img.id}`);
    const pub = await anon.json();
    assert.equal(anon.status, 200);
    assert.equal(anon.headers.get("etag"), null);
    assert.equal(pub.id, img.id);
    assert.equal(pub.link, `${ORIGIN}/${img.id}`);
    assert.equal(pub.caption, "mine");
    for (const field of ["version", "source", "frames", "delete_url", "upgrade"]) {
      assert.equal(pub[field], undefined, `${field} is not public`);
    }
    await expectError(await t.app.request("/v1/images/AAAAAAAAAA"), 404, "not_found");
  });
});

Deno.test("editing with a current If-Match updates the image; a stale one is 412", async () => {
  await withApp(async (t) => {
    const { key } = await signUp(t);
    const img = await keyedOk(t, key, await smallImage());
    const res = await patch(
      t,
      key,
      img.id,
      { caption: "new", metadata: { author: "Ada" } },
      'W/"1"',
    );
    const body = await res.json();
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.equal(body.caption, "new");
    assert.deepEqual(body.metadata, { author: "Ada" });
    assert.ok(body.version > 1, "the edit moved the version");
    assert.equal(res.headers.get("etag"), `W/"${body.version}"`);

    const stale = await patch(t, key, img.id, { caption: "lost update" }, 'W/"1"');
    await expectError(stale, 412, "precondition_failed");
    const now = await (await withKey(t, key, `/v1/images/${img.id}`)).json();
    assert.equal(now.caption, "new");

    await expectError(
      await patch(t, key, img.id, { caption: "x" }, "garbage"),
      422,
      "validation_error",
    );
    await expectError(await patch(t, key, img.id, { width: 1 }), 422, "validation_error");
  });
});

Deno.test("another account can neither edit nor delete my image", async () => {
  await withApp(async (t) => {
    const me = await signUp(t);
    const other = await signUp(t);
    const img = await keyedOk(t, me.key, await smallImage(), { caption: "keep" });
    await expectError(await patch(t, other.key, img.id, { caption: "pwned" }), 404, "not_found");
    const del = await withKey(t, other.key, `/v1/images/${img.id}`, { method: "DELETE" });
    await expectError(del, 404, "not_found");
    const after = await (await withKey(t, me.key, `/v1/images/${img.id}`)).json();
    assert.equal(after.caption, "keep");
    assert.equal(after.version, 1);
    assert.equal((await account(t, me.key)).usage.storage_used_bytes, img.filesize);
  });
});

Deno.test("deleting an image answers 204, its link 410, and frees its storage", async () => {
  await withApp(async (t) => {
    const { key, accountId } = await signUp(t);
    const keep = await keyedOk(t, key, await distinctImage(1));
    const img = await keyedOk(t, key, await smallImage());
    assert.equal((await account(t, key)).usage.storage_used_bytes, keep.filesize + img.filesize);

    const del = await withKey(t, key, `/v1/images/${img.id}`, { method: "DELETE" });
    await drain(del);
    assert.equal(del.status, 204);
    assert.equal((await drain(await t.app.request(`/${img.id}`))).status, 410, "link is gone");
    await expectError(await t.app.request(`/v1/images/${img.id}`), 410, "gone");
    const again = await withKey(t, key, `/v1/images/${img.id}`, { method: "DELETE" });
    await expectError(again, 410, "gone");

    const usage = (await account(t, key)).usage;
    assert.equal(usage.storage_used_bytes, keep.filesize);
    assert.equal(usage.uploads_used, 2, "a deletion does not refund the monthly upload");
    const types = await eventTypes(t, streams.account(accountId));
    assert.equal(types.filter((x) => x === "StorageReleased").length, 1);
    const list = await listPage(t, key, "");
    assert.deepEqual(list.data.map((d) => d.id), [keep.id]);
  });
});

Deno.test("when an owned image with a ttl expires, its storage is released", async () => {
  await withApp(async (t) => {
    const { key, accountId } = await signUp(t);
    const img = await keyedOk(t, key, await smallImage(), { ttl: "1h" });
    assert.equal(img.expires_at, Math.floor(t.clock.now() / 1000) + 3600);
    assert.equal((await account(t, key)).usage.storage_used_bytes, img.filesize);
    t.clock.advance(2 * 3600_000);
    const report = await runExpiryJob(t.services, { nowMs: t.clock.now() });
    assert.deepEqual([report.expired, report.failed], [1, []]);
    assert.equal((await account(t, key)).usage.storage_used_bytes, 0);
    const types = await eventTypes(t, streams.account(accountId));
    assert.equal(types.filter((x) => x === "StorageReleased").length, 1);
    // Running the job again releases nothing twice.
    await runExpiryJob(t.services, { nowMs: t.clock.now() });
    assert.equal((await eventTypes(t, streams.account(accountId))).length, types.length);
  });
});

Deno.test("an image past its expiry is gone from the API even before the expiry job runs", async () => {
  await withApp(async (t) => {
    const { key } = await signUp(t);
    const owned = await keyedOk(t, key, await smallImage(), { ttl: "5m" });
    const anon = await (await postUpload(t, await distinctImage(1), "a.gif", { ttl: "5m" })).json();
    t.clock.advance(10 * 60_000);
    assert.equal(
      (await drain(await t.app.request(`/${owned.id}`))).status,
      410,
      "the link is gone",
    );
    await expectError(await withKey(t, key, `/v1/images/${owned.id}`), 410, "gone");
    await expectError(await t.app.request(`/v1/images/${anon.id}`), 410, "gone");
    await expectError(await patch(t, key, owned.id, { caption: "late" }), 410, "gone");
    assert.deepEqual((await listPage(t, key, "")).data.map((d) => d.id), []);
  });
});

Deno.test("deleting the same image twice at once, on two runtimes, frees its storage once", async () => {
  const kv = await Deno.openKv(":memory:");
  const a = await testApp({}, { kv });
  const b = await testApp({}, { kv });
  try {
    const { key, accountId } = await signUp(a);
    const img = await keyedOk(a, key, await smallImage());
    const [x, y] = await Promise.all(
      [a, b].map((t) => withKey(t, key, `/v1/images/${img.id}`, { method: "DELETE" })),
    );
    const statuses = [(await drain(x)).status, (await drain(y)).status].sort();
    assert.ok(statuses[0] === 204 && [204, 410].includes(statuses[1]), String(statuses));
    const types = await eventTypes(a, streams.account(accountId));
    assert.equal(types.filter((e) => e === "StorageReleased").length, 1);
    assert.equal((await account(b, key)).usage.storage_used_bytes, 0);
  } finally {
    a.close();
    b.close();
    kv.close();
  }
});
