import assert from "node:assert/strict";
import { decodeJpegTurbo } from "../codecs/mod.ts";
import { runPipeline, type Source } from "./pipeline.ts";

const FIXTURES = new URL("../../tests/fixtures/", import.meta.url);

Deno.test("size=m of a large JPEG: the planned size, and the same bytes every time", async () => {
  const bytes = await Deno.readFile(new URL("large.jpg", FIXTURES));
  const source: Source = { bytes, format: "jpeg", width: 3640, height: 2400, frames: 1 };
  const first = await runPipeline(source, { size: "m" }, "jpg");
  assert.deepEqual([first.width, first.height], [971, 640]);
  const decoded = await decodeJpegTurbo(first.bytes);
  assert.deepEqual([decoded?.width, decoded?.height], [971, 640]);
  // Another transform in between must not change what the next one writes.
  await runPipeline(source, { size: "s", quality: 60 }, "jpg");
  const again = await runPipeline(source, { size: "m" }, "jpg");
  assert.deepEqual(again.bytes, first.bytes);
});
