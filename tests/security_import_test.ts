/**
 * Security review: the URL importer (SSRF): address and URL tricks, DNS answers, redirects and
 * IMPORT_ALLOW_HOSTS.
 *
 * The tests under "now fixed" encode a weakness the review found and the service no longer has; the
 * "resisted: …" ones are attacks it resisted from the start. All stay, so neither comes back.
 */
import assert from "node:assert/strict";
import { OpenAPIHono } from "@hono/zod-openapi";
import { importRoutes } from "../routes/import.ts";
import { ConfigError, loadConfig } from "../src/config.ts";
import { SafeFetcher } from "../src/fetcher/mod.ts";
import { ImportImage } from "../src/images/import_image.ts";
import { type Connector, pinnedConnector, type Resolver } from "../src/fetcher/network.ts";
import { callerMiddleware } from "../src/http/caller.ts";
import { errorHandler } from "../src/http/error_handler.ts";
import { errorPage } from "../routes/pages/error_page.tsx";
import type { AppEnv } from "../src/http/types.ts";
import { drain } from "./support/accounts.ts";
import { expectError, withApp } from "./support/http.ts";
import { hostPort, postImport, withImportApp } from "./support/import_http.ts";
import { withOrigin } from "./support/import_origin.ts";
import { testApp } from "./support/test_app.ts";

// ---------------------------------------------------------------------------------------------
// Weaknesses the review found, now fixed

Deno.test("url_not_allowed does not reveal the address an internal host name resolves to", async () => {
  const t = await testApp();
  try {
    const resolver: Resolver = {
      resolve: (host) =>
        Promise.resolve(host === "build.corp.example" ? ["10.20.30.40"] : ["93.184.216.34"]),
    };
    const fetcher = new SafeFetcher({
      allowHosts: [],
      timeoutMs: 1000,
      userAgent: "test",
      resolver,
    });
    const imports = new ImportImage({ ...t.services, fetcher });
    const deps = { ...t.services, imports, version: "test" };
    const app = new OpenAPIHono<AppEnv>();
    app.use(callerMiddleware(deps));
    app.onError(errorHandler({ ...deps, errorPage }));
    importRoutes(app, deps);
    const res = await app.request("/v1/import", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ url: "http://build.corp.example/logo.png" }),
    });
    const body = await expectError(res, 422, "url_not_allowed");
    assert.doesNotMatch(JSON.stringify(body), /10\.20\.30\.40/, "the private address leaked");
  } finally {
    t.close();
  }
});

Deno.test("IMPORT_ALLOW_HOSTS refuses an entry with junk after the port", () => {
  // src/fetcher/url_policy.ts normaliseHostPort takes the port from the text's tail, while the
  // URL parser reads 8080 and drops the fragment/query: "127.0.0.1:8080#:80" allows port 80.
  for (const entry of ["127.0.0.1:8080#:80", "127.0.0.1:8080?:80"]) {
    assert.throws(
      () => loadConfig({ KV_PATH: ":memory:", IMPORT_ALLOW_HOSTS: entry }),
      ConfigError,
      `${entry} must be refused, not read as ${entry.replace(/:8080.*:/, ":")}`,
    );
  }
});

// ---------------------------------------------------------------------------------------------
// URL importer (resisted)

Deno.test("resisted: IPv6, numeric, encoded and port tricks are refused from the URL alone", async () => {
  await withApp(async (t) => {
    const cases: [string, string][] = [
      ["http://[::ffff:127.0.0.1]/", "ipv4_in_ipv6"],
      ["http://[0:0:0:0:0:ffff:7f00:1]/", "ipv4_in_ipv6"],
      ["http://[::ffff:a9fe:a9fe]/", "ipv4_in_ipv6"],
      ["http://[::ffff:0:7f00:1]/", "ipv4_in_ipv6"],
      ["http://[64:ff9b::a9fe:a9fe]/", "ipv4_in_ipv6"],
      ["http://[64:ff9b:1::a00:1]/", "private"],
      ["http://[2002:a9fe:a9fe::]/", "ipv4_in_ipv6"],
      ["http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", "ipv4_in_ipv6"],
      ["http://[::a9fe:a9fe]/", "ipv4_in_ipv6"],
      ["http://[::]/", "loopback"],
      ["http://[0::1]/", "loopback"],
      ["http://[fd00:ec2::254]/", "private"],
      ["http://[fe80::a9fe:a9fe]/", "link_local"],
      ["http://[fec0::1]/", "private"],
      ["http://[ff02::1]/", "multicast"],
      ["http://[100::1]/", "reserved"],
      ["http://[5f00::1]/", "reserved"],
      ["http://0.0.0.0/", "loopback"],
      ["http://0x7f.1/", "loopback"],
      ["http://①②⑦.0.0.1/", "loopback"],
      ["http://127.0.0.1%2e/", "loopback"],
      ["http://%6c%6f%63%61%6c%68%6f%73%74/", "loopback"],
      ["http://LOCALHOST./", "loopback"],
      ["http://a.b.localhost/", "loopback"],
      ["http://100.100.100.200/", "private"],
      ["http://192.0.0.170/", "reserved"],
      ["http://198.18.0.1/", "reserved"],
      ["http://255.255.255.255/", "broadcast"],
      ["http://metadata/", "hostname"],
      ["http://metadata./", "hostname"],
      ["http://example.com:25/", "port"],
      ["https://example.com:22/", "port"],
      ["http://user:pw@example.com/", "userinfo"],
      ["http://@example.com@127.0.0.1/", "userinfo"],
      ["gopher://example.com/", "scheme"],
      ["file:///etc/passwd", "scheme"],
      ["data:image/png;base64,AAAA", "scheme"],
    ];
    for (const [url, rule] of cases) {
      const res = await postImport(t, { url });
      const body = await res.json();
      assert.equal(res.status, 422, `${url}: ${JSON.stringify(body)}`);
      assert.equal(body.error, "url_not_allowed", url);
      assert.equal(body.rule, rule, url);
    }
    for (const url of ["http://[fe80::1%25eth0]/", "http://example.com:65536/"]) {
      const res = await postImport(t, { url });
      await drain(res);
      assert.equal(res.status, 422, url);
    }
  });
});

Deno.test("resisted: a name is refused when any A/AAAA answer is private, and nothing is dialled", async () => {
  const dialled: string[] = [];
  const answers: Record<string, string[]> = {
    "mixed.example": ["93.184.216.34", "192.168.1.5"],
    "mixed-last.example": ["93.184.216.34", "93.184.216.35", "127.0.0.1"],
    "v6.example": ["2606:4700::1", "fd12:3456::1"],
    "mapped.example": ["2606:4700::1", "::ffff:169.254.169.254"],
    "nat64.example": ["64:ff9b::a00:1"],
    "zero.example": ["0.0.0.0"],
    "cgnat.example": ["100.64.0.1"],
  };
  const f = new SafeFetcher({
    allowHosts: [],
    timeoutMs: 1000,
    userAgent: "test",
    resolver: { resolve: (h) => Promise.resolve(answers[h] ?? []) },
    connector: (target) => {
      dialled.push(target.address);
      return Promise.reject(new Error("must not dial"));
    },
  });
  for (const host of Object.keys(answers)) {
    await assert.rejects(
      f.fetch(`http://${host}/x.png`, { maxBytes: 1000 }),
      (err: Error) => err.constructor.name === "UrlNotAllowed",
      host,
    );
  }
  assert.deepEqual(dialled, []);
});

Deno.test("resisted: redirects to private names, IPv6 forms or other ports are checked in full", async () => {
  await withOrigin(async (origin, hits) => {
    await withOrigin(async (other, otherHits) => {
      const port = new URL(origin).port;
      const otherPort = new URL(other).port;
      const dialled: string[] = [];
      const pinned = pinnedConnector();
      const connector: Connector = (target) => {
        dialled.push(`${target.address}:${target.port}`);
        return pinned(target);
      };
      const f = new SafeFetcher({
        allowHosts: [`pic.example:${port}`],
        timeoutMs: 1500,
        userAgent: "test",
        resolver: {
          resolve: (h) =>
            Promise.resolve(
              h === "pic.example" ? ["127.0.0.1"] : h === "rebind.example" ? ["10.1.1.1"] : [],
            ),
        },
        connector,
      });
      const targets = [
        `http://rebind.example:${otherPort}/fixtures/cat.png`,
        `http://[::ffff:7f00:1]:${otherPort}/fixtures/cat.png`,
        `http://[64:ff9b::7f00:1]:${otherPort}/fixtures/cat.png`,
        `http://0.0.0.0:${otherPort}/fixtures/cat.png`,
        `http://127.0.0.1:${otherPort}/fixtures/cat.png`,
        `http://pic.example:${otherPort}/fixtures/cat.png`,
        `http://localhost:${port}/fixtures/cat.png`,
      ];
      for (const location of targets) {
        const url = `http://pic.example:${port}/to?location=${encodeURIComponent(location)}`;
        await assert.rejects(
          f.fetch(url, { maxBytes: 1_000_000 }),
          (err: Error) => err.constructor.name === "UrlNotAllowed",
          location,
        );
      }
      assert.equal(otherHits.length, 0, "no redirect target was contacted");
      assert.equal(hits.length, targets.length, "only the allow-listed origin was");
      assert.ok(dialled.every((d) => d === `127.0.0.1:${port}`), dialled.join(", "));
    });
  });
});

Deno.test("resisted: IMPORT_ALLOW_HOSTS is one exact endpoint, normalised like a URL host", async () => {
  for (
    const bad of ["127.0.0.1", "localhost", "127.0.0.1:0", "127.0.0.1:99999", "u@h:80", "h:80/x"]
  ) {
    assert.throws(
      () => loadConfig({ KV_PATH: ":memory:", IMPORT_ALLOW_HOSTS: bad }),
      ConfigError,
      bad,
    );
  }
  await withImportApp(async (t, origin) => {
    const port = new URL(origin).port;
    const ok = await postImport(t, { url: `http://127.1:${port}/fixtures/cat.png` });
    await drain(ok);
    assert.equal(ok.status, 201, "127.1 is the same endpoint as 127.0.0.1");
    for (
      const url of [
        `http://localhost:${port}/fixtures/cat.png`,
        `http://[::1]:${port}/fixtures/cat.png`,
        `http://[::ffff:127.0.0.1]:${port}/fixtures/cat.png`,
        `http://127.0.0.2:${port}/fixtures/cat.png`,
      ]
    ) {
      await expectError(await postImport(t, { url }), 422, "url_not_allowed");
    }
  }, { ANON_UPLOADS_PER_HOUR: "50" });
  await withOrigin(async (origin) => {
    await withApp(async (t) => {
      const res = await postImport(t, { url: `${origin}/fixtures/cat.png` });
      const body = await expectError(res, 422, "url_not_allowed");
      assert.equal((body as unknown as { rule: string }).rule, "loopback");
    }, { IMPORT_ALLOW_HOSTS: `${hostPort(origin).split(":")[0]}:1` });
  });
});
