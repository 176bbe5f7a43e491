/**
 * Issue 13: small hostile SVGs must not take the service down. Each bomb is answered quickly
 * with 422 image_too_complex (at upload, or at render for one stored before the budget existed),
 * and /healthz keeps answering meanwhile. Exact timings are in `deno task bench svg_bombs`.
 */
import assert from "node:assert/strict";
import { type ErrorJson, postUpload, type TestApp, uploadOk, withApp } from "./support/http.ts";
import { blurBomb, filteredRects, pointPath, shadowedIcon } from "./support/svg_bombs.ts";
import { testApp } from "./support/test_app.ts";
import { parseTransformQuery, signedQuery } from "../src/delivery/mod.ts";

const SECRET = "test-secret-test-secret-test-secret!";

const enc = new TextEncoder();
// Generous: the budget admits at most ~4 s of work, and a refusal costs a parse.
const ANSWER_WITHIN_MS = 10_000;
const HEALTHZ_WITHIN_MS = 2_000;

/** Runs `request` while polling /healthz; returns the answer, its time and the slowest probe. */
async function whileProbing(t: TestApp, request: () => Response | Promise<Response>) {
  const started = performance.now();
  let done = false;
  let slowest = 0;
  let probes = 0;
  const probing = (async () => {
    while (!done) {
      const at = performance.now();
      const res = await t.app.request("/healthz");
      await res.body?.cancel();
      assert.equal(res.status, 200);
      slowest = Math.max(slowest, performance.now() - at);
      probes++;
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const res = await request();
  const ms = performance.now() - started;
  const body = await res.json();
  done = true;
  await probing;
  return { res, body, ms, slowest, probes };
}

function assertTooComplex(r: { res: Response; body: ErrorJson; ms: number; slowest: number }) {
  assert.equal(r.res.status, 422, JSON.stringify(r.body));
  assert.equal(r.body.error, "image_too_complex");
  assert.equal(r.body.action.type, "fix");
  assert.ok(r.ms < ANSWER_WITHIN_MS, `answered after ${Math.round(r.ms)} ms`);
  assert.ok(r.slowest < HEALTHZ_WITHIN_MS, `/healthz took ${Math.round(r.slowest)} ms meanwhile`);
}

const upload = (t: TestApp, svg: string) => () => postUpload(t, enc.encode(svg), "bomb.svg");

Deno.test("a 220-byte SVG blurring an 8000x6000 canvas is refused at upload as image_too_complex", async () => {
  await withApp(async (t) => {
    assert.ok(enc.encode(blurBomb()).length <= 220);
    const r = await whileProbing(t, upload(t, blurBomb()));
    assertTooComplex(r);
    assert.equal(r.body.action.field, "file");
    assert.match(String(r.body.action.hint), /filter/i);
    assert.match(r.body.message, /8000x6000/);
  });
});

Deno.test("200 filtered full-canvas rects are refused at upload, naming the filters", async () => {
  await withApp(async (t) => {
    const r = await whileProbing(t, upload(t, filteredRects()));
    assertTooComplex(r);
    assert.match(String(r.body.action.hint), /filter/i);
  });
});

Deno.test("a 600k-point path is refused at upload, naming the path points", async () => {
  await withApp(async (t) => {
    const r = await whileProbing(t, upload(t, pointPath()));
    assertTooComplex(r);
    assert.match(String(r.body.action.hint), /points/);
  });
});

Deno.test("an SVG stored before the budget existed is refused at render, not rendered past it", async () => {
  // The first app stores with a tiny MAX_PIXELS, so ingest judges a tiny render and admits it
  // (as ingest did before the budget); the second app renders from the same store.
  const kv = await Deno.openKv(":memory:");
  const lenient = await testApp({ MAX_PIXELS: "10000" }, { kv });
  try {
    const stored = [
      await uploadOk(lenient, enc.encode(blurBomb()), "a.svg"),
      await uploadOk(lenient, enc.encode(filteredRects()), "b.svg"),
    ];
    await withApp(
      async (t) => {
        for (const image of stored) {
          const r = await whileProbing(t, () => t.app.request(`/${image.id}?format=png`));
          assertTooComplex(r);
          assert.equal(r.body.action.field, "w");
          assert.match(String(r.body.action.hint), /smaller rendition/);
          // The SVG itself is still served as stored: nothing is rasterised.
          const original = await t.app.request(`/${image.id}.svg`);
          assert.equal(original.status, 200);
          await original.body?.cancel();
        }
      },
      {},
      { kv },
    );
  } finally {
    lenient.close();
    kv.close();
  }
});

Deno.test("a small thumbnail of a stored filter-heavy SVG still renders within the budget", async () => {
  const kv = await Deno.openKv(":memory:");
  const lenient = await testApp({ MAX_PIXELS: "10000" }, { kv });
  try {
    const image = await uploadOk(lenient, enc.encode(blurBomb()), "a.svg");
    await withApp(
      async (t) => {
        const { params } = parseTransformQuery({ format: ["png"], w: ["80"] });
        const res = await t.app.request(
          `/${image.id}?${await signedQuery(SECRET, image.id, params)}`,
        );
        assert.equal(res.status, 200, await res.clone().text());
        assert.equal(res.headers.get("content-type"), "image/png");
        await res.body?.cancel();
      },
      {},
      { kv },
    );
  } finally {
    lenient.close();
    kv.close();
  }
});

Deno.test("an ordinary SVG with a drop shadow is accepted and renders", async () => {
  await withApp(async (t) => {
    const image = await uploadOk(t, enc.encode(shadowedIcon()), "icon.svg");
    assert.equal(image.width, 512);
    const res = await t.app.request(`/${image.id}?format=png`);
    assert.equal(res.status, 200);
    await res.body?.cancel();
  });
});
