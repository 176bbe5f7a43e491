import assert from "node:assert/strict";
import { type ErrorJson, expectError } from "./support/http.ts";
import {
  hostPort,
  importOk,
  postImport,
  timed,
  TIMEOUT_MS,
  withImportApp,
} from "./support/import_http.ts";
import { withOrigin } from "./support/import_origin.ts";

// SSRF defences seen from outside: refused URLs make no connection, bounded bodies end in a 4xx.

Deno.test("a redirect into loopback, metadata, another port or another scheme is refused unfetched", async () => {
  await withImportApp(async (t, origin) => {
    await withOrigin(async (other, otherHits) => {
      const otherPort = new URL(other).port;
      const targets: [string, string][] = [
        [`${other}/fixtures/cat.png`, "loopback"],
        [`http://localhost:${otherPort}/fixtures/cat.png`, "loopback"],
        [`http://2130706433:${otherPort}/fixtures/cat.png`, "loopback"],
        [`http://[::ffff:127.0.0.1]:${otherPort}/`, "ipv4_in_ipv6"],
        ["http://169.254.169.254/latest/meta-data/", "link_local"],
        ["http://10.0.0.1/cat.png", "private"],
        ["file:///etc/passwd", "scheme"],
      ];
      for (const [location, rule] of targets) {
        const url = `${origin}/to?location=${encodeURIComponent(location)}`;
        const body = await expectError(await postImport(t, { url }), 422, "url_not_allowed");
        assert.equal(body.action.field, "url");
        assert.equal((body as ErrorJson & { rule: string }).rule, rule, location);
        assert.match(body.message, /redirected to/);
        assert.match(body.action.hint ?? "", new RegExp(`Rule "${rule}"`));
      }
      assert.equal(otherHits.length, 0, "the redirect target was never contacted");
    });
  });
});

Deno.test("every address trick and non-http scheme is refused in under 2 s with no connection", async () => {
  await withImportApp(async (t, origin, hits) => {
    await withOrigin(async (other, otherHits) => {
      const p = new URL(other).port;
      const cases: [string, string][] = [
        [`${other}/fixtures/cat.png`, "loopback"],
        [`http://2130706433:${p}/`, "loopback"],
        [`http://0x7f000001:${p}/`, "loopback"],
        [`http://017700000001:${p}/`, "loopback"],
        [`http://127.1:${p}/`, "loopback"],
        [`http://0177.0.0.1:${p}/`, "loopback"],
        [`http://0:${p}/`, "loopback"],
        [`http://localhost:${p}/`, "loopback"],
        [`http://[::1]:${p}/`, "loopback"],
        [`http://[::ffff:7f00:1]:${p}/`, "ipv4_in_ipv6"],
        [`http://[::127.0.0.1]:${p}/`, "ipv4_in_ipv6"],
        [`http://[64:ff9b::127.0.0.1]:${p}/`, "ipv4_in_ipv6"],
        [`http://[2002:7f00:1::]:${p}/`, "ipv4_in_ipv6"],
        ["http://169.254.169.254/latest/meta-data/", "link_local"],
        ["http://[fd00::1]/", "private"],
        ["http://100.64.0.1/", "private"],
        ["http://intranet/", "hostname"],
        ["http://example.com:25/", "port"],
        // The allowed origin itself, but with credentials or another scheme.
        [`http://user:pw@${hostPort(origin)}/fixtures/cat.png`, "userinfo"],
        [`ftp://${hostPort(origin)}/fixtures/cat.png`, "scheme"],
        ["file:///etc/passwd", "scheme"],
        ["data:image/png;base64,iVBORw0KGgo=", "scheme"],
      ];
      let slowest = 0;
      for (const [url, rule] of cases) {
        const [res, ms] = await timed(() => postImport(t, { url }));
        slowest = Math.max(slowest, ms);
        const body = await expectError(res, 422, "url_not_allowed");
        assert.equal((body as ErrorJson & { rule: string }).rule, rule, url);
        assert.equal(body.action.field, "url");
      }
      assert.ok(slowest < 2000, `slowest refusal took ${slowest} ms`);
      assert.equal(otherHits.length + hits.length, 0, "no refused URL reached a server");
    });
  });
});

Deno.test("a slow origin, an endless body and lying lengths each end in a clear 4xx within the deadline", async () => {
  await withImportApp(async (t, origin, _hits, raw, rawHits) => {
    const [slow, slowMs] = await timed(() => postImport(t, { url: `${origin}/slow` }));
    await expectError(slow, 422, "import_failed", "retry");
    assert.ok(slowMs >= TIMEOUT_MS - 50 && slowMs < TIMEOUT_MS + 1000, `slow took ${slowMs} ms`);
    assert.ok(Number(slow.headers.get("retry-after")) > 0);

    const [endless, endlessMs] = await timed(() => postImport(t, { url: `${origin}/endless` }));
    await expectError(endless, 413, "file_too_large", "register");
    assert.ok(endlessMs < TIMEOUT_MS, `endless took ${endlessMs} ms`);

    const short = await postImport(t, { url: `${raw}/short` });
    const shortBody = await expectError(short, 422, "import_failed", "retry");
    assert.match(shortBody.message, /1000 of 100000/);

    // Only the 50 announced bytes are read; the rest of the flood is never taken in.
    const [long, longMs] = await timed(() => postImport(t, { url: `${raw}/long` }));
    assert.ok([415, 422].includes(long.status), `long: ${long.status}`);
    await expectError(
      long,
      long.status,
      long.status === 415 ? "unsupported_format" : "invalid_image",
    );
    assert.ok(longMs < TIMEOUT_MS, `long took ${longMs} ms`);

    const [huge, hugeMs] = await timed(() => postImport(t, { url: `${raw}/huge` }));
    await expectError(huge, 413, "file_too_large", "register");
    assert.ok(
      hugeMs < TIMEOUT_MS,
      `a too-large Content-Length is refused before the body (${hugeMs} ms)`,
    );
    assert.deepEqual(rawHits, ["/short", "/long", "/huge"]);

    // The service is still healthy and still imports.
    const health = await t.app.request("/healthz");
    assert.equal(health.status, 200);
    await health.body?.cancel();
    await importOk(t, { url: `${origin}/fixtures/portrait.jpg` });
  }, { ANON_MAX_BYTES: "200000" });
});
