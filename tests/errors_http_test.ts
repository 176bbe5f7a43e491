import assert from "node:assert/strict";
import { HTTPException } from "hono/http-exception";
import { expectError, withApp } from "./support/http.ts";

/** Silences the server-side log of an expected failure, restoring it afterwards. */
async function quietly<T>(fn: () => Promise<T>): Promise<{ value: T; logged: string }> {
  const original = console.error;
  const lines: string[] = [];
  console.error = (...args: unknown[]) => void lines.push(args.map(String).join(" "));
  try {
    return { value: await fn(), logged: lines.join("\n") };
  } finally {
    console.error = original;
  }
}

Deno.test("an unknown route answers a 404 not_found envelope", async () => {
  await withApp(async (t) => {
    for (const path of ["/v1/nope", "/v1/images/abcdefghij/nope", "/a/b/c"]) {
      const res = await t.app.request(path);
      const body = await expectError(res, 404, "not_found");
      assert.match(body.message, /Nothing at/, path);
      assert.equal(res.headers.get("cache-control"), "no-store");
    }
  });
});

Deno.test("an unknown single-segment page such as /pricing is a 404, not a 422", async () => {
  await withApp(async (t) => {
    await expectError(await t.app.request("/pricing"), 404, "not_found");
  });
});

Deno.test("a wrong method on a known path is a 4xx envelope", async () => {
  await withApp(async (t) => {
    const res = await t.app.request("/v1/upload", { method: "GET" });
    assert.ok(res.status >= 400 && res.status < 500, `status ${res.status}`);
    await expectError(res, res.status, res.status === 404 ? "not_found" : "validation_error");
  });
});

Deno.test("an unexpected exception becomes 500 internal_error with retry and no internals", async () => {
  await withApp(async (t) => {
    t.app.get("/test/boom", () => {
      throw new Error("secret stack");
    });
    const { value: res, logged } = await quietly(() =>
      Promise.resolve(t.app.request("/test/boom"))
    );
    const text = await res.clone().text();
    const body = await expectError(res, 500, "internal_error", "retry");
    assert.equal(typeof body.action.seconds, "number");
    assert.equal(res.headers.get("retry-after"), String(body.action.seconds));
    assert.equal(res.headers.get("cache-control"), "no-store");
    assert.ok(!text.includes("secret stack"), text);
    assert.ok(!/at .*\.ts:\d+/.test(text), "no stack frames in the body");
    assert.ok(res.headers.get("x-request-id"));
    assert.ok(body.message.includes(res.headers.get("x-request-id")!), "message names the request");
    assert.match(logged, /secret stack/, "the stack goes to the server log instead");
  });
});

Deno.test("a 5xx HTTPException is also hidden behind internal_error", async () => {
  await withApp(async (t) => {
    t.app.get("/test/http-boom", () => {
      throw new HTTPException(502, { message: "upstream secret" });
    });
    const { value: res } = await quietly(() => Promise.resolve(t.app.request("/test/http-boom")));
    const text = await res.clone().text();
    await expectError(res, 500, "internal_error", "retry");
    assert.ok(!text.includes("upstream secret"), text);
  });
});

Deno.test("a thrown 4xx HTTPException keeps its meaning in the envelope", async () => {
  await withApp(async (t) => {
    t.app.get("/test/missing", () => {
      throw new HTTPException(404, { message: "Nothing here." });
    });
    const res = await t.app.request("/test/missing");
    await expectError(res, 404, "not_found");
  });
});
