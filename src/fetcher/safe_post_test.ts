import assert from "node:assert/strict";
import type { Connector, Resolver } from "./network.ts";
import { UrlNotAllowed } from "./errors.ts";
import { checkPostUrl, safePost } from "./safe_post.ts";

const body = new TextEncoder().encode('{"type":"image.created"}');
const noConnect: { calls: number; connect: Connector } = {
  calls: 0,
  connect: () => {
    noConnect.calls++;
    return Promise.reject(new Error("must not connect"));
  },
};
const resolver = (answers: string[]): Resolver => ({ resolve: () => Promise.resolve(answers) });

Deno.test("safePost checks every address before a packet leaves, as imports do", async () => {
  const opts = { allowHosts: new Set<string>(), timeoutMs: 1_000, connector: noConnect.connect };
  for (const url of ["https://10.0.0.1/h", "https://[fd00::1]/h", "http://example.com/h"]) {
    const out = await safePost(url, [], body, { ...opts, resolver: resolver(["93.184.216.34"]) });
    assert.ok("error" in out, url);
  }
  // A public name that resolves to a private address at delivery time (rebinding) is refused.
  const rebound = await safePost("https://hooks.example.com/h", [], body, {
    ...opts,
    resolver: resolver(["93.184.216.34", "192.168.1.10"]),
  });
  assert.ok("error" in rebound && /private/.test(rebound.error), JSON.stringify(rebound));
  assert.equal(noConnect.calls, 0);
});

Deno.test("safePost sends the body with its length and does not follow a redirect", async () => {
  const seen: { method: string; body: string; signature: string | null }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    seen.push({
      method: req.method,
      body: await req.text(),
      signature: req.headers.get("webhook-signature"),
    });
    return new Response(null, { status: 302, headers: { location: "http://127.0.0.1:1/x" } });
  });
  try {
    const host = `127.0.0.1:${server.addr.port}`;
    const out = await safePost(`http://${host}/hook`, [["webhook-signature", "v1,abc"]], body, {
      allowHosts: new Set([host]),
      timeoutMs: 2_000,
    });
    assert.deepEqual(out, { status: 302 });
    assert.deepEqual(seen, [{
      method: "POST",
      body: new TextDecoder().decode(body),
      signature: "v1,abc",
    }]);
  } finally {
    await server.shutdown();
  }
});

Deno.test("checkPostUrl: https anywhere public, http only to an allow-listed endpoint", () => {
  assert.equal(checkPostUrl("https://example.com/h", new Set()).url.href, "https://example.com/h");
  assert.equal(
    checkPostUrl("http://127.0.0.1:8080/h", new Set(["127.0.0.1:8080"])).allowListed,
    true,
  );
  assert.throws(() => checkPostUrl("http://example.com/h", new Set()), /https only/);
});

Deno.test("checkPostUrl refuses port 0, which no receiver can listen on", () => {
  assert.throws(
    () => checkPostUrl("https://example.com:0/h", new Set()),
    (err) => err instanceof UrlNotAllowed && err.rule === "port",
  );
  assert.equal(checkPostUrl("https://example.com:8443/h", new Set()).port, 8443);
});
