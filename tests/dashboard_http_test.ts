import assert from "node:assert/strict";
import {
  account,
  API_KEY_PATTERN,
  drain,
  keyedUpload,
  ORIGIN,
  postForm,
  signUp,
  smallImage,
  withKey,
} from "./support/accounts.ts";
import { expectError, type TestApp, withApp } from "./support/http.ts";

const page = async (t: TestApp, path: string, cookie?: string) => {
  const res = await t.app.request(path, { headers: cookie ? { cookie } : {} });
  return { res, html: await res.text() };
};

Deno.test("a new calendar month (UTC) starts the upload count afresh; storage carries over", async () => {
  await withApp(async (t) => {
    const { key } = await signUp(t);
    const gif = await smallImage();
    await drain(await keyedUpload(t, key, gif));
    await expectError(await keyedUpload(t, key, gif), 403, "quota_exceeded", "upgrade");
    t.clock.set(Date.UTC(2026, 10, 30, 23, 59, 59));
    await expectError(await keyedUpload(t, key, gif), 403, "quota_exceeded", "upgrade");
    t.clock.set(Date.UTC(2026, 11, 1, 0, 0, 0));
    assert.deepEqual((await account(t, key)).usage, {
      plan: "free",
      uploads_used: 0,
      uploads_limit: 1,
      storage_used_bytes: gif.length,
      storage_limit_bytes: 5_000_000_000,
      period: "2026-12",
    });
    const res = await keyedUpload(t, key, gif);
    await drain(res);
    assert.equal(res.status, 201);
    assert.equal(res.headers.get("x-quota-uploads-used"), "1");
    assert.equal(res.headers.get("x-quota-storage-used"), String(2 * gif.length));
  }, { PLAN_FREE_UPLOADS: "1" });
});

Deno.test("the account page shows plan, usage and an upgrade link; logged out it redirects", async () => {
  await withApp(async (t) => {
    const { key, cookie, email } = await signUp(t);
    await drain(await keyedUpload(t, key, await smallImage()));
    const { res, html } = await page(t, "/account", cookie);
    assert.equal(res.status, 200, html);
    assert.ok(html.includes(email), "shows the address");
    assert.match(html, /free/);
    assert.match(html, /1 of 3/);
    const link = /href="(http:\/\/img\.test\/upgrade\/pro\?[^"]+)"/.exec(html)?.[1];
    assert.ok(link, "links the signed upgrade");
    const upgrade = await page(t, link.replaceAll("&amp;", "&"));
    assert.equal(upgrade.res.status, 200, upgrade.html);

    const out = await page(t, "/account");
    assert.equal(out.res.status, 303);
    assert.equal(out.res.headers.get("location"), "/auth/login");
  }, { PLAN_FREE_UPLOADS: "3" });
});

Deno.test("plan storage reads the same on every page: 5 GB free, 50 GB Pro", async () => {
  await withApp(async (t) => {
    const { cookie } = await signUp(t);
    const { html } = await page(t, "/account", cookie);
    const storage = /<th>Storage<\/th>\s*<td>([^<]*)/.exec(html)?.[1];
    const link = /href="(http:\/\/img\.test\/upgrade\/pro\?[^"]+)"/.exec(html)![1];
    const upgrade = await page(t, link.replaceAll("&amp;", "&"));
    const offer = /1,000 uploads a month and [\d.]+ \w+/.exec(upgrade.html)?.[0];
    // The quota error's label says "50 GB of storage" (decimal, like SPEC §4's table).
    assert.deepEqual([storage, offer], [
      "0 bytes of 5 GB",
      "1,000 uploads a month and 50 GB",
    ]);
  });
});

Deno.test("the keys page creates a key shown once, and revokes it", async () => {
  await withApp(async (t) => {
    const { cookie } = await signUp(t);
    const created = await postForm(t, "/keys", { name: "from the page" }, { cookie });
    const html = await created.text();
    assert.equal(created.status, 200, html);
    assert.equal(created.headers.get("cache-control"), "no-store");
    const key = /<code id="new-key">([^<]+)<\/code>/.exec(html)?.[1] ?? "";
    assert.match(key, API_KEY_PATTERN);
    const up = await keyedUpload(t, key, await smallImage());
    await drain(up);
    assert.equal(up.status, 201);

    const again = await page(t, "/keys", cookie);
    assert.equal(again.res.status, 200);
    assert.ok(!again.html.includes(key), "shown only once");
    assert.ok(again.html.includes(key.slice(0, 13)), "its prefix identifies it");
    const row = again.html.split("<tr>").find((r) => r.includes("from the page")) ?? "";
    const path = /action="(\/keys\/[^"]+\/revoke)"/.exec(row)?.[1];
    assert.ok(path, again.html);
    const forged = await postForm(t, path, {}, { cookie, origin: "http://evil.test" });
    await drain(forged);
    assert.notEqual(forged.status, 303, "another site cannot revoke");
    const revoked = await postForm(t, path, {}, { cookie });
    await drain(revoked);
    assert.equal(revoked.status, 303);
    await expectError(await keyedUpload(t, key, await smallImage()), 401, "unauthorized");

    const out = await page(t, "/keys");
    assert.equal(out.res.status, 303);
  });
});

Deno.test("the images page lists the logged-in person's images", async () => {
  await withApp(async (t) => {
    const { key, cookie } = await signUp(t);
    const res = await keyedUpload(t, key, await smallImage(), "a.gif", { caption: "on the page" });
    const img = await res.json();
    const { res: list, html } = await page(t, "/images", cookie);
    assert.equal(list.status, 200, html);
    assert.ok(html.includes(`${ORIGIN}/${img.id}`), "links the image");
    assert.ok(html.includes("on the page"), "shows the caption");
  });
});

Deno.test("revoking a key that does not exist is 404 with a hint about keys", async () => {
  await withApp(async (t) => {
    const { key } = await signUp(t);
    const res = await withKey(t, key, "/v1/keys/key_unknown", { method: "DELETE" });
    const err = await expectError(res, 404, "not_found");
    assert.doesNotMatch(err.action.hint ?? "", /image/, `hint: ${err.action.hint}`);
  });
});
