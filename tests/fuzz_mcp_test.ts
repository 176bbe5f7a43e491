/**
 * Robustness review of the HTTP surface, MCP JSON-RPC messages and tool arguments: malformed
 * input must get a 4xx with the SPEC §7 envelope `{error, message, action}` (HTML pages may
 * answer HTML), never a 5xx, a throw or a hang.
 *
 * The sweep stays as a regression net. Every input that broke the rule when the review ran has
 * its own test under "now fixed" further down, saying what was wrong.
 */
import assert from "node:assert/strict";
import { assertClean, ENV, parseJson, probe, short, world } from "./support/fuzz.ts";
import { withApp } from "./support/http.ts";
import { fixture } from "./support/test_app.ts";

Deno.test("fuzz: MCP JSON-RPC that is malformed or calls tools with wrong arguments", async () => {
  await withApp(async (t) => {
    const w = await world(t);
    const problems: string[] = [];
    const accept = "application/json, text/event-stream";
    const call = (name: string, args: unknown) => ({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name, arguments: args },
    });
    const messages: unknown[] = [
      { jsonrpc: "2.0", id: 1, method: "nope" },
      { jsonrpc: "1.0", id: 1, method: "tools/list" },
      { jsonrpc: "2.0" },
      [],
      [{ jsonrpc: "2.0", id: 1, method: "tools/list" }, 5],
      call("nope", {}),
      call("get_image", {}),
      call("get_image", { id: 5 }),
      call("get_image", { id: "x".repeat(5000) }),
      call("get_image", { id: "../../v1/account" }),
      call("list_images", { cursor: "abc" }),
      call("list_images", { cursor: "x".repeat(10_000) }),
      call("list_images", { limit: 0 }),
      call("upload_image", { data: "!!!" }),
      call("upload_image", { data: "" }),
      call("upload_image", { data: "AAAA" }),
      call("upload_image", { data: "A".repeat(14_000_000) }),
      call("upload_image", { data: "R0lG", ttl: 1e30 }),
      call("import_image", { url: "javascript:alert(1)" }),
      call("import_image", { url: "http://[::1]/" }),
      call("import_image", { url: "\ud800" }),
      call("transform_link", { id: w.id, w: 10 }),
      call("transform_link", { id: w.id, constructor: 5 }),
      call("transform_link", { id: w.id, blur: { a: 1 } }),
      call("transform_link", { id: "x".repeat(3000), blur: 5 }),
      call("delete_image", { id: "abcdefghij" }),
    ];
    for (const message of messages) {
      for (const auth of [{}, w.auth]) {
        await probe(t, problems, `mcp ${short(JSON.stringify(message))}`, "/mcp", {
          method: "POST",
          headers: { ...auth, "content-type": "application/json", accept },
          body: JSON.stringify(message),
        });
      }
    }
    assertClean(problems);
  }, ENV);
});

// ---------------------------------------------------------------------------------------------
// Inputs that broke the rule when the review ran, now fixed; each comment says what was wrong.
// ---------------------------------------------------------------------------------------------

Deno.test("MCP tool errors for a lone-surrogate id or a non-header idempotency_key are envelopes", async () => {
  // routes/mcp/tools.ts: path() calls encodeURIComponent (URIError on a lone surrogate) and
  // idempotency() puts the key in a Headers object (TypeError for "\n" or non-Latin-1); runTool
  // only converts AppError, so the tool answers the raw exception text instead of the envelope.
  await withApp(async (t) => {
    const gif = await fixture("animated.gif");
    const data = btoa(String.fromCharCode(...gif));
    const calls: [string, Record<string, unknown>][] = [
      ["get_image", { id: "\ud800" }],
      ["upload_image", { data, idempotency_key: "a\nb" }],
      ["upload_image", { data, idempotency_key: "\u2603" }],
      ["import_image", { url: "https://example.com/a.png", idempotency_key: "\u2603" }],
    ];
    const failures: string[] = [];
    for (const [name, args] of calls) {
      const res = await t.app.request("/mcp", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
        },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "tools/call",
          params: { name, arguments: args },
        }),
      });
      const rpc = (await res.json()) as { result?: { content?: { text?: string }[] } };
      const text = rpc.result?.content?.[0]?.text ?? "";
      const envelope = parseJson(text);
      if (typeof envelope?.action?.type !== "string") {
        failures.push(`${name} ${JSON.stringify(args).slice(0, 60)} → ${text}`);
      }
    }
    assert.deepEqual(failures, [], failures.join("\n"));
  }, ENV);
});
