/**
 * Bodies of the pages' forms and of the JSON API are capped while they stream in: a huge post
 * to a form is refused after the cap, never buffered whole.
 */
import assert from "node:assert/strict";
import { ORIGIN } from "./support/accounts.ts";
import { expectError, withApp } from "./support/http.ts";
import { DEFAULT_BODY_MAX_BYTES } from "../src/http/body_limit.ts";

/** A body of `total` bytes sent in 64 KiB chunks, counting what the server pulled. */
function countedBody(total: number) {
  const chunk = new Uint8Array(64 * 1024).fill(0x61);
  const seen = { bytes: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      if (seen.bytes >= total) return c.close();
      seen.bytes += chunk.length;
      c.enqueue(chunk);
    },
  });
  return { stream, seen };
}

Deno.test("a form post far over the body limit is refused with 422 before it is read whole", async () => {
  await withApp(async (t) => {
    for (const path of ["/auth/login", "/auth/register"]) {
      const { stream, seen } = countedBody(64 * 1024 * 1024);
      const res = await t.app.request(path, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          accept: "application/json",
          origin: ORIGIN,
        },
        body: stream,
        duplex: "half",
      } as RequestInit);
      const body = await expectError(res, 422, "validation_error");
      assert.equal(body.action.field, "body");
      assert.ok(seen.bytes < 4 * DEFAULT_BODY_MAX_BYTES, `${path} read ${seen.bytes} bytes`);
    }
  });
});

Deno.test("a JSON API body declared over the body limit is refused from its Content-Length", async () => {
  await withApp(async (t) => {
    const res = await t.app.request("/v1/webhooks", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ url: "https://x.test/" + "a".repeat(DEFAULT_BODY_MAX_BYTES) }),
    });
    const body = await expectError(res, 422, "validation_error");
    assert.equal(body.action.field, "body");
  });
});

Deno.test("a form post within the body limit still reaches its page", async () => {
  await withApp(async (t) => {
    const res = await t.app.request("/auth/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN },
      body: new URLSearchParams({
        email: "a@x.test",
        password: "x".repeat(100),
        pad: "y".repeat(50_000),
      }),
    });
    assert.equal(res.status, 401, await res.text());
  });
});
