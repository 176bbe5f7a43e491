import assert from "node:assert/strict";
import { withApp } from "./support/http.ts";

Deno.test("the home page offers an upload form that posts to the public API", async () => {
  await withApp(async (t) => {
    const res = await t.app.request("/", { headers: { accept: "text/html" } });
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /<form id="upload">/);
    assert.match(html, /type="file" name="file"/);
    assert.match(html, /xhr\.open\("POST", "\/v1\/upload"\)/);
    assert.match(html, /xhr\.upload\.addEventListener\("progress"/);
    assert.match(html, /images up to 5 MB are kept for 30 days/);
  }, { ANON_MAX_BYTES: "5000000" });
});
