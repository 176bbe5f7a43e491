import assert from "node:assert/strict";
import {
  DAY_MS,
  expectError,
  type ImageJson,
  type TestApp,
  uploadOk,
  withApp,
} from "./support/http.ts";
import { fixture } from "./support/test_app.ts";
import { countCalls } from "./support/spy.ts";

// A hot link is answered before the middleware stack (routes/delivery.ts hotDelivery): whoever
// fetches it must not be able to tell, by status, headers or bytes, which path answered.

const LINK = "size=s&brightness=1.1";
const fullRoute = new WeakMap<TestApp, { readonly count: number }>();
const bytesOf = async (res: Response) => new Uint8Array(await res.arrayBuffer());

/** Every header but the request id, which is new per request on both paths. */
function headersOf(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    if (name !== "x-request-id") out[name] = value;
  });
  return out;
}

/** The response, and whether it came without the full route (DeliverImage.deliver) running. */
async function request(t: TestApp, path: string, init: RequestInit = {}) {
  let full = fullRoute.get(t);
  if (!full) fullRoute.set(t, full = countCalls(t.services.delivery, "deliver"));
  const before = full.count;
  const res = await t.app.request(path, init);
  return { res, hot: full.count === before };
}

async function hotLink(t: TestApp): Promise<{ img: ImageJson; path: string; first: Response }> {
  const img = await uploadOk(t, await fixture("rocket.jpg"), "rocket.jpg");
  const path = `/${img.id}.webp?${LINK}`;
  const first = await request(t, path);
  assert.equal(first.hot, false, "the first request computes the variant");
  assert.equal(first.res.status, 200);
  return { img, path, first: first.res };
}

Deno.test("a hot variant answers GET with the same status, headers and bytes as the full route", async () => {
  await withApp(async (t) => {
    const { path, first } = await hotLink(t);
    const firstBytes = await bytesOf(first);
    const again = await request(t, path);
    assert.equal(again.hot, true, "the second request is answered from memory");
    assert.equal(again.res.status, 200);
    assert.deepEqual(headersOf(again.res), headersOf(first));
    assert.deepEqual(await bytesOf(again.res), firstBytes);
    assert.match(again.res.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
    const sent = await request(t, path, { headers: { "x-request-id": "trace-42" } });
    assert.equal(sent.res.headers.get("x-request-id"), "trace-42", "a caller's request id is kept");
    await sent.res.body?.cancel();
  });
});

Deno.test("a hot variant answers HEAD and If-None-Match exactly as the full route does", async () => {
  await withApp(async (t) => {
    const { img, path, first } = await hotLink(t);
    await first.body?.cancel();
    const etag = first.headers.get("etag")!;
    // The full route's answers, for a link this process has not answered before.
    const slowHead = await request(t, `/${img.id}.webp?${LINK}&blur=2`, { method: "HEAD" });
    const slow304 = await request(t, `/${img.id}.webp?${LINK}&blur=3`, {
      headers: { "if-none-match": "*" },
    });
    assert.equal(slowHead.hot || slow304.hot, false);
    const head = await request(t, path, { method: "HEAD" });
    assert.equal(head.hot, true);
    assert.equal(head.res.status, 200);
    assert.equal(head.res.body, null);
    assert.deepEqual(Object.keys(headersOf(head.res)), Object.keys(headersOf(slowHead.res)));
    assert.equal(head.res.headers.get("content-length"), first.headers.get("content-length"));
    const notModified = await request(t, path, { headers: { "if-none-match": `W/${etag}` } });
    assert.equal(notModified.hot, true);
    assert.equal(notModified.res.status, 304);
    assert.equal(await notModified.res.text(), "");
    assert.deepEqual(Object.keys(headersOf(notModified.res)), Object.keys(headersOf(slow304.res)));
    assert.equal(notModified.res.headers.get("etag"), etag);
  });
});

Deno.test("a deleted or expired image is never answered from memory", async () => {
  await withApp(async (t) => {
    const { img, path, first } = await hotLink(t);
    await first.body?.cancel();
    const deleteUrl = (img as ImageJson & { delete_url: string }).delete_url;
    const token = new URL(deleteUrl).pathname.split("/").pop()!;
    await t.services.images.deleteWithToken(img.id, token);
    const afterDelete = await request(t, path);
    assert.equal(afterDelete.hot, false);
    assert.equal(afterDelete.res.status, 410);
    await afterDelete.res.body?.cancel();

    const second = await hotLink(t);
    await second.first.body?.cancel();
    t.clock.advance(31 * DAY_MS);
    const afterExpiry = await request(t, second.path);
    assert.equal(afterExpiry.hot, false, "expiry is checked against the clock, cron or not");
    assert.equal(afterExpiry.res.status, 410);
    await afterExpiry.res.body?.cancel();
  });
});

Deno.test("links whose answer depends on the request's headers always take the full route", async () => {
  await withApp(async (t) => {
    const img = await uploadOk(t, await fixture("rocket.jpg"), "rocket.jpg");
    for (const path of [`/${img.id}?format=auto&size=s`, `/${img.id}?size=s`]) {
      for (let i = 0; i < 2; i++) {
        const { res, hot } = await request(t, path, { headers: { accept: "image/webp" } });
        assert.equal(res.status, 200);
        await res.body?.cancel();
        if (path.includes("auto")) assert.equal(hot, false, "format=auto reads Accept");
      }
    }
    // The same link without an extension is a page for a browser, never cached bytes.
    const page = await request(t, `/${img.id}?size=s`, { headers: { accept: "text/html" } });
    assert.equal(page.hot, false);
    assert.match(page.res.headers.get("content-type") ?? "", /text\/html/);
    await page.res.body?.cancel();
  });
});

Deno.test("a hot link still answers as the middleware would: a bad API key is a 401, another host's navigation a redirect", async () => {
  await withApp(async (t) => {
    const { img, path, first } = await hotLink(t);
    await first.body?.cancel();
    const badKey = await request(t, path, { headers: { authorization: "Bearer img_live_nope" } });
    await expectError(badKey.res, 401, "unauthorized");

    const bare = `/${img.id}?${LINK}`;
    for (let i = 0; i < 2; i++) await (await request(t, bare)).res.body?.cancel();
    assert.equal((await request(t, bare)).hot, true, "the link without extension is hot too");
    const elsewhere = await request(t, `http://127.0.0.1:8000${bare}`, {
      headers: { host: "127.0.0.1:8000", "sec-fetch-mode": "navigate", accept: "*/*" },
    });
    assert.equal(elsewhere.res.status, 302);
    assert.equal(elsewhere.res.headers.get("location"), `http://img.test${bare}`);
  });
});

Deno.test("a link whose query is padded past 512 characters is answered but never remembered", async () => {
  await withApp(async (t) => {
    const img = await uploadOk(t, await fixture("rocket.jpg"), "rocket.jpg");
    const padded = (chars: number) => {
      const query = `size=s&brightness=1.1`;
      return `/${img.id}.webp?${query}${"0".repeat(chars - query.length)}`;
    };
    for (const [chars, remembered] of [[500, true], [600, false]] as const) {
      const path = padded(chars);
      assert.equal(new URL(`http://x${path}`).search.length - 1, chars);
      for (let i = 0; i < 2; i++) {
        const { res, hot } = await request(t, path);
        assert.equal(res.status, 200);
        await res.body?.cancel();
        if (i === 1) assert.equal(hot, remembered, `${chars} characters`);
      }
    }
  });
});
