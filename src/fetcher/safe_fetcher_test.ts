import assert from "node:assert/strict";
import { ImportFailed, UrlNotAllowed } from "./errors.ts";
import { type Connector, pinnedConnector, type Resolver } from "./network.ts";
import { type FetcherOptions, SafeFetcher } from "./safe_fetcher.ts";

const TESTDATA = new URL("./testdata/", import.meta.url);
const pem = (name: string) => Deno.readTextFileSync(new URL(name, TESTDATA));
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

type Seen = { host: string | null; ua: string | null; cookie: string | null; auth: string | null };

/** A loopback origin recording what each request carried. */
async function withOrigin(
  fn: (port: number, seen: Seen[]) => Promise<void>,
  tls?: { cert: string; key: string },
) {
  const seen: Seen[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {}, ...tls },
    (req) => {
      const h = req.headers;
      seen.push({
        host: h.get("host"),
        ua: h.get("user-agent"),
        cookie: h.get("cookie"),
        auth: h.get("authorization"),
      });
      return new Response(PNG, { headers: { "content-type": "image/png" } });
    },
  );
  try {
    await fn(server.addr.port, seen);
  } finally {
    await server.shutdown();
  }
}

/** Answers from a table and counts the questions. */
function tableResolver(answers: Record<string, string[] | (() => string[])>) {
  const asked: string[] = [];
  const resolver: Resolver = {
    resolve(hostname) {
      asked.push(hostname);
      const a = answers[hostname];
      return Promise.resolve(typeof a === "function" ? a() : a ?? []);
    },
  };
  return { resolver, asked };
}

const fetcher = (opts: Partial<FetcherOptions>) =>
  new SafeFetcher({ allowHosts: [], timeoutMs: 1500, userAgent: "imgpro-import/test", ...opts });

Deno.test("a name is resolved once and the connection goes to that address, Host intact", async () => {
  await withOrigin(async (port, seen) => {
    const { resolver, asked } = tableResolver({ "origin.test": ["127.0.0.1"] });
    const f = fetcher({ allowHosts: [`origin.test:${port}`], resolver });
    const got = await f.fetch(`http://origin.test:${port}/cat.png`, { maxBytes: 1000 });
    assert.deepEqual(got.bytes, PNG);
    assert.equal(got.contentType, "image/png");
    // The test task may not resolve names itself: the socket can only have gone to our answer.
    assert.deepEqual(asked, ["origin.test"]);
    assert.deepEqual(seen, [{
      host: `origin.test:${port}`,
      ua: "imgpro-import/test",
      cookie: null,
      auth: null,
    }]);
  });
});

Deno.test("https: the socket goes to the checked address and TLS verifies the URL's name", async () => {
  await withOrigin(async (port, seen) => {
    const { resolver } = tableResolver({ "pin.test": ["127.0.0.1"], "evil.test": ["127.0.0.1"] });
    const f = fetcher({
      allowHosts: [`pin.test:${port}`, `evil.test:${port}`],
      resolver,
      connector: pinnedConnector([pem("test_ca.pem")]),
    });
    const got = await f.fetch(`https://pin.test:${port}/cat.png`, { maxBytes: 1000 });
    assert.deepEqual(got.bytes, PNG);
    assert.equal(seen[0].host, `pin.test:${port}`);
    // Same address, other name: the certificate does not match, so nothing is fetched.
    await assert.rejects(
      f.fetch(`https://evil.test:${port}/cat.png`, { maxBytes: 1000 }),
      (e) => e instanceof ImportFailed && /certificate/.test(e.message) && !e.retryAfter,
    );
    assert.equal(seen.length, 1);
  }, { cert: pem("pin_test.pem"), key: pem("pin_test.key") });
});

Deno.test("a name resolving to loopback, or to public and private at once, makes no connection", async () => {
  await withOrigin(async (port, seen) => {
    const { resolver } = tableResolver({
      "rebind.example": ["127.0.0.1"],
      "mixed.example": ["93.184.216.34", "10.0.0.5"],
      "meta.example": ["169.254.169.254"],
      "mapped.example": ["::ffff:127.0.0.1"],
    });
    const f = fetcher({ resolver });
    const cases: [string, string][] = [
      ["rebind.example", "loopback"],
      ["mixed.example", "private"],
      ["meta.example", "link_local"],
      ["mapped.example", "ipv4_in_ipv6"],
    ];
    for (const [host, rule] of cases) {
      await assert.rejects(
        f.fetch(`http://${host}:${port}/cat.png`, { maxBytes: 1000 }),
        (e) => e instanceof UrlNotAllowed && e.rule === rule,
        host,
      );
    }
    assert.equal(seen.length, 0);
  });
});

Deno.test("rebinding: a second, different DNS answer is never asked for or used", async () => {
  let calls = 0;
  const { resolver } = tableResolver({
    "rebind.example": () => (++calls === 1 ? ["93.184.216.34"] : ["127.0.0.1"]),
  });
  const dialled: string[] = [];
  const connector: Connector = ({ address }) => {
    dialled.push(address);
    return Promise.reject(new Deno.errors.ConnectionRefused("test: no network"));
  };
  const f = fetcher({ resolver, connector });
  await assert.rejects(
    f.fetch("http://rebind.example/cat.png", { maxBytes: 1000 }),
    (e) => e instanceof ImportFailed && e.retryAfter !== undefined,
  );
  assert.equal(calls, 1);
  assert.deepEqual(dialled, ["93.184.216.34"]);
});

Deno.test("the deadline covers a name server that never answers", async () => {
  const resolver: Resolver = {
    resolve: (_h, signal) =>
      new Promise((_, reject) =>
        signal.addEventListener("abort", () => reject(signal.reason), { once: true })
      ),
  };
  const f = fetcher({ resolver, timeoutMs: 300 });
  const started = performance.now();
  await assert.rejects(
    f.fetch("http://slow-dns.example/cat.png", { maxBytes: 1000 }),
    (e) => e instanceof ImportFailed && /longer than 0.3 s/.test(e.message) && e.retryAfter! > 0,
  );
  const took = performance.now() - started;
  assert.ok(took >= 290 && took < 1000, `took ${took} ms`);
});

Deno.test("a host that does not exist is a fix, not a retry", async () => {
  const { resolver } = tableResolver({});
  await assert.rejects(
    fetcher({ resolver }).fetch("http://nowhere.example/cat.png", { maxBytes: 1000 }),
    (e) => e instanceof ImportFailed && e.retryAfter === undefined,
  );
});
