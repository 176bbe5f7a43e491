import assert from "node:assert/strict";
import {
  distinctImage,
  drain,
  keyedUpload,
  ORIGIN,
  signUp,
  smallImage,
} from "./support/accounts.ts";
import { expectError, type ImageJson, postUpload, type TestApp, withApp } from "./support/http.ts";

Deno.test("anonymous uploads are rate limited per hour with Retry-After; replays are free", async () => {
  await withApp(async (t) => {
    const gif = await smallImage();
    const idem = { "idempotency-key": "retry-1" };
    const first = await postUpload(t, gif, "a.gif", {}, idem);
    await drain(first);
    assert.equal(first.status, 201);
    const replay = await postUpload(t, gif, "a.gif", {}, idem);
    await drain(replay);
    assert.equal(replay.status, 201);
    assert.equal(replay.headers.get("idempotent-replayed"), "true");
    const second = await postUpload(t, await distinctImage(2), "b.gif");
    await drain(second);
    assert.equal(second.status, 201, "the replay did not use up the second upload");

    const third = await postUpload(t, await distinctImage(3), "c.gif");
    const retryAfter = third.headers.get("retry-after");
    const body = await expectError(third, 429, "rate_limited", "wait");
    assert.equal(typeof body.action.seconds, "number");
    assert.ok((body.action.seconds as number) > 0 && (body.action.seconds as number) <= 3600);
    assert.equal(retryAfter, String(body.action.seconds));

    // A key is not subject to the anonymous limit.
    const { key } = await signUp(t);
    const keyed = await keyedUpload(t, key, gif);
    await drain(keyed);
    assert.equal(keyed.status, 201);

    t.clock.advance((body.action.seconds as number) * 1000);
    const later = await postUpload(t, gif, "d.gif");
    await drain(later);
    assert.equal(later.status, 201, "the next hour starts afresh");
  }, { ANON_UPLOADS_PER_HOUR: "2" });
});

Deno.test("the client IP comes from X-Forwarded-For only when TRUST_PROXY=1, and is the hop our proxy added", async () => {
  const gif = await smallImage();
  // The client may write anything before the hop the trusted proxy appends last.
  const from = (ip: string) => ({ "x-forwarded-for": `10.0.0.1, ${ip}` });
  await withApp(async (t) => {
    await drain(await postUpload(t, gif, "a.gif", {}, from("198.51.100.1")));
    const spoofed = await postUpload(t, gif, "a.gif", {}, from("198.51.100.2"));
    await expectError(spoofed, 429, "rate_limited", "wait");
  }, { ANON_UPLOADS_PER_HOUR: "1" });
  await withApp(async (t) => {
    await drain(await postUpload(t, gif, "a.gif", {}, from("198.51.100.1")));
    const other = await postUpload(t, gif, "a.gif", {}, from("198.51.100.2"));
    await drain(other);
    assert.equal(other.status, 201, "another client has its own limit");
    await expectError(
      await postUpload(t, gif, "a.gif", {}, from("198.51.100.1")),
      429,
      "rate_limited",
      "wait",
    );
  }, { ANON_UPLOADS_PER_HOUR: "1", TRUST_PROXY: "1" });
});

async function anonymousUpload(t: TestApp) {
  const res = await postUpload(t, await smallImage(), "a.gif");
  const img = await res.json() as ImageJson & { delete_url: string };
  assert.equal(res.status, 201, JSON.stringify(img));
  return img;
}

const status = async (t: TestApp, path: string) => (await drain(await t.app.request(path))).status;

Deno.test("an anonymous upload's delete_url shows a confirmation page and its button deletes", async () => {
  await withApp(async (t) => {
    const img = await anonymousUpload(t);
    const url = new URL(img.delete_url);
    assert.equal(url.origin, ORIGIN);
    assert.match(url.pathname, new RegExp(`^/delete/${img.id}/[A-Za-z0-9_-]{20,}$`));

    const page = await t.app.request(img.delete_url, { headers: { accept: "text/html" } });
    const html = await page.text();
    assert.equal(page.status, 200, html);
    assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
    assert.match(html, /<form[^>]*method="post"/i);
    assert.match(html, /<button/);
    assert.equal(await status(t, `/v1/images/${img.id}`), 200, "GET only asks");

    const wrong = img.delete_url.replace(/.$/, (c) => (c === "A" ? "B" : "A"));
    const headers = { origin: ORIGIN };
    await expectError(await t.app.request(wrong, { method: "DELETE", headers }), 404, "not_found");
    await expectError(await t.app.request(wrong), 404, "not_found");
    assert.equal(await status(t, `/${img.id}`), 200, "a wrong token leaves the image alone");

    const done = await t.app.request(img.delete_url, {
      method: "POST",
      headers: { ...headers, "content-type": "application/x-www-form-urlencoded" },
      body: "",
    });
    const doneHtml = await done.text();
    assert.equal(done.status, 200, doneHtml);
    assert.equal(await status(t, `/${img.id}`), 410);
  });
});

Deno.test("an API client deletes an anonymous upload with DELETE on its delete_url", async () => {
  await withApp(async (t) => {
    const img = await anonymousUpload(t);
    // What `curl -X DELETE "$delete_url"` sends: no Origin, no Content-Type, no cookie.
    const del = await t.app.request(img.delete_url, { method: "DELETE" });
    const text = await del.text();
    assert.equal(del.status, 204, `DELETE delete_url answered ${del.status}: ${text}`);
    assert.equal(await status(t, `/${img.id}`), 410);
    assert.equal(await status(t, `/v1/images/${img.id}`), 410);
  });
});

Deno.test("anonymous responses carry no quota headers", async () => {
  await withApp(async (t) => {
    const res = await postUpload(t, await smallImage(), "a.gif");
    await drain(res);
    assert.equal(res.status, 201);
    assert.equal(res.headers.get("x-quota-uploads-used"), null);
  });
});
