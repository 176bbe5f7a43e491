import assert from "node:assert/strict";
import { uploadOk, withApp } from "./support/http.ts";
import { fixture } from "./support/test_app.ts";

Deno.test("another site's page may call the API with a key: the preflight allows it", async () => {
  await withApp(async (t) => {
    const res = await t.app.request("/v1/upload", {
      method: "OPTIONS",
      headers: {
        origin: "https://app.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, idempotency-key",
      },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get("access-control-allow-origin"), "*");
    assert.match(res.headers.get("access-control-allow-headers") ?? "", /Authorization/);
    assert.match(res.headers.get("access-control-allow-headers") ?? "", /Idempotency-Key/);
    assert.equal(res.headers.get("access-control-allow-credentials"), null);
  });
});

Deno.test("API answers and image bytes are readable from other origins", async () => {
  await withApp(async (t) => {
    const image = await uploadOk(t, await fixture("rocket.jpg"), "rocket.jpg");
    const info = await t.app.request(`/v1/images/${image.id}`, {
      headers: { origin: "https://app.example" },
    });
    assert.equal(info.headers.get("access-control-allow-origin"), "*");
    await info.body?.cancel();
    const bytes = await t.app.request(`/${image.id}`, {
      headers: { origin: "https://app.example" },
    });
    assert.equal(bytes.status, 200);
    assert.equal(bytes.headers.get("access-control-allow-origin"), "*");
    await bytes.body?.cancel();
  });
});

Deno.test("pages carry the page security headers; image bytes carry their own short set", async () => {
  await withApp(async (t) => {
    const image = await uploadOk(t, await fixture("rocket.jpg"), "rocket.jpg");
    const html = await t.app.request(`/${image.id}`, { headers: { accept: "text/html" } });
    assert.equal(html.headers.get("x-frame-options"), "SAMEORIGIN");
    assert.ok(html.headers.get("strict-transport-security"));
    await html.body?.cancel();
    const bytes = await t.app.request(`/${image.id}.jpg`);
    assert.equal(bytes.headers.get("x-content-type-options"), "nosniff");
    assert.match(bytes.headers.get("content-security-policy") ?? "", /sandbox/);
    assert.equal(bytes.headers.get("x-frame-options"), null);
    await bytes.body?.cancel();
  });
});
