/**
 * Robustness review of the HTTP surface, every route and method: malformed input must get a 4xx
 * with the SPEC §7 envelope `{error, message, action}` (HTML pages may answer HTML), never a
 * 5xx, a throw or a hang.
 *
 * The sweep stays as a regression net. Every input that broke the rule when the review ran has
 * its own test under "now fixed" further down, saying what was wrong.
 */
import assert from "node:assert/strict";
import { ORIGIN } from "./support/accounts.ts";
import { assertClean, ENV, expectClientError, probe, world } from "./support/fuzz.ts";
import { withApp } from "./support/http.ts";

type OpenApi = { paths: Record<string, Record<string, unknown>> };

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PROPFIND"];

Deno.test("fuzz: every /openapi.json route, every method, real and malformed path values", async () => {
  await withApp(async (t) => {
    const w = await world(t);
    const doc = (await (await t.app.request("/openapi.json")).json()) as OpenApi;
    const templates = Object.keys(doc.paths);
    assert.ok(templates.length >= 15, `the document lists the routes: ${templates}`);
    // Malformed values stay under KV's 2 KiB key limit here; longer ids have their own test below.
    const values: Record<string, string[]> = {
      id: [
        w.id,
        w.anon.id,
        "a".repeat(10),
        "a".repeat(300),
        "%ED%A0%80",
        "%E2%80%AE%00",
        "..%2F..",
      ],
      file: [
        w.id,
        `${w.id}.webp`,
        `${w.id}.JPG`,
        `${w.id}.jpeg`,
        `${w.id}.exe`,
        `${w.id}.svg`,
        `${w.id}.gif.png`,
        `${w.id}..png`,
        `${w.id}.%ff`,
        "a".repeat(1500),
        "%00",
        "%E2%80%AE",
      ],
      key_id: [w.keyId, "key_nope", "x".repeat(300), "%ff"],
      token: [w.token, "x", "x".repeat(1000)],
    };
    const problems: string[] = [];
    let requests = 0;
    for (const template of templates) {
      const names = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      let paths = [template];
      for (const name of names) {
        const list = values[name];
        assert.ok(list, `a value list for {${name}} (${template})`);
        paths = paths.flatMap((p) => list.map((v) => p.replace(`{${name}}`, v)));
      }
      for (const path of paths) {
        for (const method of METHODS) {
          for (
            const headers of [{}, w.auth, { cookie: w.cookie, origin: ORIGIN }] as Record<
              string,
              string
            >[]
          ) {
            requests++;
            // Deleting the fixtures would starve the later requests of a live image.
            if (method === "DELETE" && (path.includes(w.id) || path.includes(w.anon.id))) continue;
            if (method === "DELETE" && path.includes(w.keyId)) continue;
            await probe(t, problems, "route", path, { method, headers });
          }
        }
      }
    }
    assert.ok(requests > 500, `${requests} requests`);
    assertClean(problems);
  }, ENV);
});

// ---------------------------------------------------------------------------------------------
// Inputs that broke the rule when the review ran, now fixed; each comment says what was wrong.
// ---------------------------------------------------------------------------------------------

Deno.test("a delete_url with an id over 2 KB is a 4xx on GET, POST and DELETE", async () => {
  // routes/action_pages.tsx deleteTarget → ManageImages.tokenMatches → queries.get(id): the id
  // is never checked against [0-9A-Za-z]{10}, and kv.get throws "Key too large for read".
  await withApp(async (t) => {
    const path = `/delete/${"a".repeat(3000)}/token`;
    for (const method of ["GET", "POST", "DELETE"]) {
      const res = await t.app.request(path, { method, headers: { origin: ORIGIN } });
      await expectClientError(res, `${method} /delete/<3000 chars>/token`);
    }
  }, ENV);
});
