import assert from "node:assert/strict";
import { encodeBase64Url } from "../src/encoding.ts";
import { MCP_BODY_MAX_BYTES, MCP_UPLOAD_MAX_BYTES } from "../routes/mcp/tool_specs.ts";
import { hostPort } from "./support/import_http.ts";
import { withOrigin } from "./support/import_origin.ts";
import { callTool, withMcpClient, withServedApp } from "./support/mcp.ts";
import { fixture } from "./support/test_app.ts";
import { postForm, sessionCookieOf } from "./support/accounts.ts";
import type { TestApp } from "./support/http.ts";

const TOOLS = [
  "import_image",
  "upload_image",
  "get_image",
  "list_images",
  "delete_image",
  "transform_link",
];
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47];

/** A key for a new account, made through the same pages and API a person would use. */
async function keyFor(t: TestApp, base: string): Promise<string> {
  const email = `agent${crypto.randomUUID().slice(0, 8)}@example.test`;
  const reg = await postForm(t, "/auth/register", { email, password: "correct horse battery" }, {
    origin: base,
  });
  await reg.body?.cancel();
  const cookie = sessionCookieOf(reg);
  assert.ok(cookie, `register answered ${reg.status}`);
  const res = await t.app.request("/v1/keys", {
    method: "POST",
    headers: { cookie, origin: base, "content-type": "application/json" },
    body: JSON.stringify({ name: "agent" }),
  });
  const body = await res.json();
  assert.equal(res.status, 201, JSON.stringify(body));
  return body.key;
}

Deno.test("MCP: a real client lists the tools and imports an image whose link serves bytes", async () => {
  await withOrigin(async (origin) => {
    await withServedApp(async (_t, base) => {
      await withMcpClient(base, async (client) => {
        const tools = (await client.listTools()).tools as {
          name: string;
          inputSchema: { properties?: Record<string, unknown> };
        }[];
        const names = tools.map((t) => t.name);
        assert.ok(tools.length >= 5, names.join(", "));
        for (const name of TOOLS) assert.ok(names.includes(name), `${name} in ${names}`);
        const link = tools.find((t) => t.name === "transform_link")!;
        assert.ok("blur" in (link.inputSchema.properties ?? {}), "transform parameters listed");

        const imported = await callTool(client, "import_image", {
          url: `${origin}/fixtures/cat.png`,
          caption: "a cat",
        });
        assert.equal(imported.isError, false, JSON.stringify(imported.body));
        assert.equal(imported.meta.http_status, 201);
        const image = imported.body as { id: string; link: string; caption: string };
        assert.equal(image.link, `${base}/${image.id}`);
        assert.equal(image.caption, "a cat");

        const res = await fetch(image.link);
        const bytes = new Uint8Array(await res.arrayBuffer());
        assert.equal(res.status, 200);
        assert.equal(res.headers.get("content-type"), "image/png");
        assert.deepEqual([...bytes.subarray(0, 4)], PNG_MAGIC);

        const got = await callTool(client, "get_image", { id: image.id });
        assert.equal(got.body.id, image.id);
        assert.equal(got.body.width, (imported.body as { width: number }).width);
      });
    }, { IMPORT_ALLOW_HOSTS: hostPort(origin) });
  });
});

Deno.test("MCP: transform_link validates like the link and returns a URL that serves the variant", async () => {
  await withOrigin(async (origin) => {
    await withServedApp(async (_t, base) => {
      await withMcpClient(base, async (client) => {
        const { body } = await callTool(client, "import_image", {
          url: `${origin}/fixtures/cat.png`,
        });
        const id = String(body.id);
        const made = await callTool(client, "transform_link", { id, size: "s", format: "webp" });
        assert.equal(made.isError, false, JSON.stringify(made.body));
        const url = String(made.body.url);
        assert.ok(url.startsWith(`${base}/${id}?`), url);
        const res = await fetch(url);
        await res.body?.cancel();
        assert.equal(res.status, 200);
        assert.equal(res.headers.get("content-type"), "image/webp");

        // The link's own refusal, with the same envelope and status.
        const bad = await callTool(client, "transform_link", { id, blur: 999 });
        assert.equal(bad.isError, true);
        assert.equal(bad.body.error, "invalid_transform");
        assert.equal((bad.body.action as { field: string }).field, "blur");
        assert.equal(bad.meta.http_status, 400);
        const unknown = await callTool(client, "transform_link", { id, zoom: 2 });
        assert.equal(unknown.body.error, "invalid_transform");

        // Resizing needs a signature, and signatures need the owner's key.
        const anon = await callTool(client, "transform_link", { id, w: 100 });
        assert.equal(anon.body.error, "unauthorized");
        assert.equal((anon.body.action as { type: string }).type, "register");
        const missing = await callTool(client, "get_image", { id: "AAAAAAAAAA" });
        assert.equal(missing.body.error, "not_found");
      });
    }, { IMPORT_ALLOW_HOSTS: hostPort(origin) });
  });
});

Deno.test("MCP with a key: upload, list, sign a resize link and delete", async () => {
  await withServedApp(async (t, base) => {
    const key = await keyFor(t, base);
    await withMcpClient(base, async (client) => {
      const data = encodeBase64Url(await fixture("animated.gif"));
      const up = await callTool(client, "upload_image", { data, caption: "dance" });
      assert.equal(up.isError, false, JSON.stringify(up.body));
      const id = String(up.body.id);
      assert.equal(up.body.expires_at, undefined, "keyed uploads are permanent");

      const list = await callTool(client, "list_images", { limit: 10 });
      assert.deepEqual((list.body.data as { id: string }[]).map((i) => i.id), [id]);

      const signed = await callTool(client, "transform_link", { id, w: 40, h: 40, fit: "cover" });
      assert.equal(signed.isError, false, JSON.stringify(signed.body));
      const res = await fetch(String(signed.body.url));
      await res.body?.cancel();
      assert.equal(res.status, 200, String(signed.body.url));

      const gone = await callTool(client, "delete_image", { id });
      assert.deepEqual(gone.body, { id, deleted: true });
      const after = await callTool(client, "get_image", { id });
      assert.equal(after.body.error, "gone");
    }, key);
  });
});

Deno.test("MCP: the caller's limits hold through the tools", async () => {
  await withServedApp(async (_t, base) => {
    await withMcpClient(base, async (client) => {
      const list = await callTool(client, "list_images", {});
      assert.equal(list.body.error, "unauthorized");
      assert.equal((list.body.action as { type: string }).type, "register");

      // ANON_MAX_BYTES is below the fixture: the route's own refusal, offering an account.
      const gif = encodeBase64Url(await fixture("animated.gif"));
      const big = await callTool(client, "upload_image", { data: gif });
      assert.equal(big.body.error, "file_too_large");
      assert.equal((big.body.action as { type: string }).type, "register");

      const over = "A".repeat(Math.ceil(MCP_UPLOAD_MAX_BYTES / 3) * 4 + 8);
      const huge = await callTool(client, "upload_image", { data: over });
      assert.equal(huge.body.error, "file_too_large");
      assert.equal((huge.body.action as { field: string }).field, "data");

      // Ingest's own refusal comes back unchanged.
      const junk = encodeBase64Url(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
      const notImage = await callTool(client, "upload_image", { data: junk });
      assert.equal(notImage.body.error, "unsupported_format", JSON.stringify(notImage.body));
      assert.equal(notImage.meta.http_status, 415);
      const notB64 = await callTool(client, "upload_image", { data: "not base64!" });
      assert.equal(notB64.body.error, "validation_error");
    });
  }, { ANON_MAX_BYTES: "1000" });
});

Deno.test("MCP: anonymous rate limits count the MCP client's address, with Retry-After in _meta", async () => {
  await withOrigin(async (origin) => {
    await withServedApp(async (t, base) => {
      const url = `${origin}/fixtures/cat.png`;
      const post = { method: "POST", body: JSON.stringify({ url }) };
      const json = { "content-type": "application/json" };
      await withMcpClient(base, async (client) => {
        const ok = await callTool(client, "import_image", { url });
        assert.equal(ok.isError, false, JSON.stringify(ok.body));
        const limited = await callTool(client, "import_image", { url });
        assert.equal(limited.body.error, "rate_limited");
        const action = limited.body.action as { type: string; seconds: number };
        assert.equal(action.type, "wait");
        assert.equal(limited.meta.retry_after, action.seconds);
        assert.equal(limited.meta.http_status, 429);
      });
      // The MCP import counted against 127.0.0.1: the same address over plain HTTP is refused,
      // while a request with no address at all (app.request) has its own, unused allowance.
      const direct = await fetch(`${base}/v1/import`, { ...post, headers: json });
      await direct.body?.cancel();
      assert.equal(direct.status, 429);
      const elsewhere = await t.app.request("/v1/import", { ...post, headers: json });
      await elsewhere.body?.cancel();
      assert.equal(elsewhere.status, 201);
    }, { IMPORT_ALLOW_HOSTS: hostPort(origin), ANON_UPLOADS_PER_HOUR: "1" });
  });
});

Deno.test("MCP: GET and DELETE answer 405, a bad key 401, an oversized body 413", async () => {
  await withServedApp(async (_t, base) => {
    for (const method of ["GET", "DELETE"]) {
      const res = await fetch(`${base}/mcp`, { method, headers: { accept: "text/event-stream" } });
      await res.body?.cancel();
      assert.equal(res.status, 405, method);
      assert.equal(res.headers.get("allow"), "POST");
    }
    const res = await fetch(`${base}/mcp`, {
      method: "POST",
      headers: { authorization: "Bearer nope", "content-type": "application/json" },
      body: "{}",
    });
    assert.equal(res.status, 401);
    assert.equal((await res.json()).error, "unauthorized");
    const huge = await fetch(`${base}/mcp`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "x".repeat(MCP_BODY_MAX_BYTES + 1),
    });
    assert.equal(huge.status, 413);
    assert.equal((await huge.json()).error, "file_too_large");
  });
});
