import assert from "node:assert/strict";
import { FORMATS, OUTPUT_IDS, STORED_IDS } from "./mod.ts";

Deno.test("the registry: what is stored, what is written, and that every write can be stored", () => {
  assert.deepEqual(STORED_IDS, ["jpeg", "png", "gif", "webp", "avif", "svg"]);
  assert.deepEqual(OUTPUT_IDS, ["jpeg", "png", "gif", "webp", "avif"]);
  for (const id of OUTPUT_IDS) {
    assert.ok(FORMATS[id].stored, `${id} is written, so an upload of it must be kept as it is`);
    assert.ok(FORMATS[id].encoders.length > 0, `${id} is written, so it has an encoder`);
  }
  for (const [id, f] of Object.entries(FORMATS)) {
    assert.match(f.mime, /^image\//, id);
    assert.ok(f.decoders.length > 0, `${id} is accepted, so it has a decoder`);
  }
  // Animation survives only where the format can hold it.
  assert.deepEqual(Object.entries(FORMATS).filter(([, f]) => f.animation).map(([id]) => id), [
    "gif",
  ]);
});
