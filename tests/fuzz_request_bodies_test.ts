/**
 * Robustness review of the HTTP surface, request bodies and content types: malformed input must
 * get a 4xx with the SPEC §7 envelope `{error, message, action}` (HTML pages may answer HTML),
 * never a 5xx, a throw or a hang.
 *
 * The sweep stays as a regression net; shared helpers are in tests/support/fuzz.ts.
 */
import { assertClean, ENV, probe, world } from "./support/fuzz.ts";
import { withApp } from "./support/http.ts";

const BAD_BODIES: [string, string | Uint8Array<ArrayBuffer>][] = [
  ["application/json", "{"],
  ["application/json", ""],
  ["application/json", "null"],
  ["application/json", "[]"],
  ["application/json", "1e999"],
  ["application/json", '"x"'],
  ["application/json", "[".repeat(60_000) + "]".repeat(60_000)],
  ["application/json", '{"a":'.repeat(5_000) + "1" + "}".repeat(5_000)],
  ["application/json", JSON.stringify({ url: "\ud800", caption: "\u0000\u202e", name: "\udfff" })],
  ["application/json", '{"url":"http://a/\\ud800","metadata":{"a":"\\u0000"}}'],
  ["application/json", '{"caption":"\\ud800","metadata":{"a":"\\u202e"}}'],
  ["application/json", '{"__proto__":{"x":1},"constructor":{"prototype":{"y":1}}}'],
  ["application/json", JSON.stringify({ name: "x".repeat(200_000) })],
  ["application/json", JSON.stringify({ url: 5, caption: [], ttl: {}, metadata: "x" })],
  ["application/json", JSON.stringify({ url: "https://example.com/a.png", ttl: 1e300 })],
  ["application/json", JSON.stringify({ w: 1e308, h: -1, dpr: "NaN", fit: null })],
  ["application/json", new Uint8Array([0xff, 0xfe, 0x7b, 0x7d])],
  ["application/json; charset=utf-16", '{"a":1}'],
  ["text/plain", "hello"],
  ["application/x-www-form-urlencoded", "a=b&c&=&%ZZ"],
  ["multipart/form-data", "--x\r\n"],
  ["multipart/form-data; boundary=", "--\r\n"],
  ["", "{}"],
];

Deno.test("fuzz: malformed bodies and content types on every operation that takes a body", async () => {
  await withApp(async (t) => {
    const w = await world(t);
    const targets: [string, string][] = [
      ["POST", "/v1/upload"],
      ["POST", "/v1/import"],
      ["POST", "/v1/keys"],
      ["PATCH", `/v1/images/${w.id}`],
      ["POST", `/v1/images/${w.id}/links`],
      ["POST", "/mcp"],
      ["PUT", `/v1/images/${w.id}`],
      ["DELETE", `/delete/${w.anon.id}/not-the-token`],
      ["POST", "/v1/webhooks"],
      ["DELETE", "/v1/images"],
    ];
    const problems: string[] = [];
    for (const [method, path] of targets) {
      for (const [type, body] of BAD_BODIES) {
        for (const auth of [{}, w.auth]) {
          const headers: Record<string, string> = {
            ...auth,
            accept: "application/json, text/event-stream",
          };
          if (type) headers["content-type"] = type;
          await probe(t, problems, `body ${type}`, path, { method, headers, body });
        }
      }
    }
    assertClean(problems);
  }, ENV);
});
