import assert from "node:assert/strict";
import { keyedUpload, sessionJson, signUp } from "./support/accounts.ts";
import { withApp } from "./support/http.ts";
import { fixture } from "./support/test_app.ts";

Deno.test("the tools page lists the person's images and its signed links preview", async () => {
  await withApp(async (t) => {
    const anonymous = await t.app.request("/tools");
    assert.equal(anonymous.status, 303);
    assert.equal(anonymous.headers.get("location"), "/auth/login");

    const { cookie, key } = await signUp(t);
    const up = await keyedUpload(t, key, await fixture("rocket.jpg"), "rocket.jpg", {
      caption: "Launch",
    });
    const { id } = await up.json();
    const res = await t.app.request("/tools", { headers: { cookie } });
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, new RegExp(`<option value="${id}" selected>Launch</option>`));

    // What the page's script sends: a same-origin JSON POST with the session cookie.
    const minted = await sessionJson(t, cookie, "POST", `/v1/images/${id}/links`, {
      w: 300,
      h: 200,
      fit: "cover",
    });
    const link = await minted.json();
    assert.equal(minted.status, 201, JSON.stringify(link));
    const preview = await t.app.request(new URL(link.url).pathname + new URL(link.url).search);
    assert.equal(preview.status, 200);
    assert.equal(preview.headers.get("content-type"), "image/jpeg");
    await preview.body?.cancel();
  });
});

Deno.test("the tools page has a face crop mode, and the link it mints crops to the face", async () => {
  await withApp(async (t) => {
    const { cookie, key } = await signUp(t);
    const up = await keyedUpload(t, key, await fixture("portrait.png"), "portrait.png");
    const { id } = await up.json();
    const html = await (await t.app.request("/tools", { headers: { cookie } })).text();
    assert.match(html, /<option value="face">face crop<\/option>/);
    assert.match(html, /name="segment"/);
    // What the script sends in face crop mode.
    const minted = await sessionJson(t, cookie, "POST", `/v1/images/${id}/links`, {
      w: 200,
      h: 200,
      fit: "cover",
      gravity: "face",
    });
    const link = await minted.json();
    assert.equal(minted.status, 201, JSON.stringify(link));
    assert.match(link.url, /gravity=face/);
    const preview = await t.app.request(new URL(link.url).pathname + new URL(link.url).search);
    assert.equal(preview.status, 200);
    assert.equal(preview.headers.get("content-type"), "image/png");
    await preview.body?.cancel();
  }, { SEGMENT_DEADLINE_MS: "60000" });
});
