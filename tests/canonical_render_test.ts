import assert from "node:assert/strict";
import { sha256Hex } from "../src/crypto.ts";
import { type TestApp, uploadOk, withApp } from "./support/http.ts";
import { fixture } from "./support/test_app.ts";

async function render(t: TestApp, id: string, query: string) {
  const res = await t.app.request(`/${id}.png?${query}`);
  assert.equal(res.status, 200);
  // A digest, not the bytes: assert's diff of two large arrays would take minutes.
  return { etag: res.headers.get("etag"), pixels: await sha256Hex(await res.bytes()) };
}

/** One fresh service per request, so nothing is served from a cache another request filled. */
async function renderFresh(query: string) {
  let out!: { etag: string | null; pixels: string };
  await withApp(async (t) => {
    const img = await uploadOk(t, await fixture("coffee.png"), "c.png");
    out = await render(t, img.id, query);
  });
  return out;
}

Deno.test("numbers that share a variant key render the same pixels, whichever comes first", async () => {
  const low = await renderFresh("brightness=1.0401&sharp=0.504");
  const high = await renderFresh("brightness=1.0449&sharp=0.496");
  const canonical = await renderFresh("brightness=1.04&sharp=0.5");
  assert.equal(low.etag, canonical.etag);
  assert.equal(high.etag, canonical.etag);
  assert.equal(low.pixels, canonical.pixels);
  assert.equal(high.pixels, canonical.pixels);
  // And the rounding is not hiding every difference: another key renders other pixels.
  const other = await renderFresh("brightness=1.06&sharp=0.5");
  assert.notEqual(other.pixels, canonical.pixels);
});
