/**
 * Robustness review of the HTTP surface, request headers and query parameters (Authorization,
 * Idempotency-Key, If-Match, If-None-Match, cursors, limits): malformed input must get a 4xx
 * with the SPEC §7 envelope `{error, message, action}` (HTML pages may answer HTML), never a
 * 5xx, a throw or a hang.
 *
 * The sweep stays as a regression net; shared helpers are in tests/support/fuzz.ts.
 */
import { assertClean, ENV, probe, short, world } from "./support/fuzz.ts";
import { withApp } from "./support/http.ts";
import { fixture, uploadForm } from "./support/test_app.ts";

Deno.test("fuzz: Authorization headers are refused with 401 and an envelope", async () => {
  await withApp(async (t) => {
    const w = await world(t);
    const values = [
      "Bearer",
      "Bearer ",
      "Basic x",
      "Basic " + btoa("user:pass"),
      "Bearer \u00e9\u00e9\u00ff", // non-ASCII (Latin-1 is what a header can carry)
      "bearer img_live_x",
      "Bearer " + "x".repeat(10_240),
      "Bearer img_live_" + "A".repeat(43),
      `Bearer ${w.key}x`,
      `Bearer ${w.key} ${w.key}`,
      "",
      " ",
    ];
    const problems: string[] = [];
    const targets: [string, string][] = [
      ["GET", "/v1/images"],
      ["GET", `/v1/images/${w.id}`],
      ["POST", "/v1/upload"],
      ["GET", "/v1/account"],
      ["GET", `/${w.id}`],
      ["GET", "/healthz"],
      ["POST", "/mcp"],
    ];
    for (const value of values) {
      for (const [method, path] of targets) {
        const status = await probe(t, problems, `auth ${short(value)}`, path, {
          method,
          headers: { authorization: value },
        });
        if (status !== 401) problems.push(`auth ${short(value)} on ${path}: ${status}, not 401`);
      }
    }
    assertClean(problems);
  }, ENV);
});

Deno.test("fuzz: Idempotency-Key, If-Match, If-None-Match, cursors and repeated params", async () => {
  await withApp(async (t) => {
    const w = await world(t);
    const gif = await fixture("animated.gif");
    const problems: string[] = [];
    for (const key of ["", " ", "x".repeat(256), "x".repeat(10_240), "\u00ff", "a\tb"]) {
      for (const auth of [{}, w.auth]) {
        const status = await probe(t, problems, `idempotency ${key.length}`, "/v1/upload", {
          method: "POST",
          body: uploadForm(gif),
          headers: { ...auth, "idempotency-key": key },
        });
        const tooLong = key.length > 255;
        if ((key.trim() === "" || tooLong) && status !== 422) {
          problems.push(`Idempotency-Key of ${key.length} chars: ${status}, not 422`);
        }
        await probe(t, problems, `import idempotency ${key.length}`, "/v1/import", {
          method: "POST",
          body: JSON.stringify({ url: "http://127.0.0.1:9/x.png" }),
          headers: { ...auth, "idempotency-key": key, "content-type": "application/json" },
        });
      }
    }
    for (
      const ifMatch of ["", "*", 'W/"x"', '"999999999999999999999999"', "x".repeat(41), '"-1"']
    ) {
      const status = await probe(t, problems, `If-Match ${short(ifMatch)}`, `/v1/images/${w.id}`, {
        method: "PATCH",
        headers: { ...w.auth, "if-match": ifMatch, "content-type": "application/json" },
        body: JSON.stringify({ caption: "x" }),
      });
      if (status < 400) problems.push(`If-Match ${short(ifMatch)} accepted with ${status}`);
    }
    for (const inm of ["*", "", 'W/"x", "y"', "x".repeat(8000), '"\u00ff"']) {
      await probe(t, problems, `If-None-Match ${short(inm)}`, `/${w.id}`, {
        headers: { "if-none-match": inm },
      });
    }
    const queries = [
      "cursor=",
      "cursor=abc",
      "cursor=" + "A".repeat(500),
      "cursor=" + "A".repeat(501),
      "cursor=%00",
      "cursor=%F0%9F%92%A9",
      "cursor=AAAA&cursor=BBBB",
      "limit=0",
      "limit=101",
      "limit=abc",
      "limit=1&limit=2",
      "limit=-1",
      "limit=1.5",
      "limit=",
      "limit=1e2",
      "foo=bar",
    ];
    for (const q of queries) {
      await probe(t, problems, `list ${q}`, `/v1/images?${q}`, { headers: w.auth });
      await probe(t, problems, `dashboard ${q}`, `/images?${q}`, { headers: { cookie: w.cookie } });
    }
    assertClean(problems);
  }, ENV);
});
