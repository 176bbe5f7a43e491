import assert from "node:assert/strict";
import { pngHeaderOnly } from "../../tests/support/images.ts";
import { ingestCost, MIN_JOB_BYTES, transformCost } from "./job_cost.ts";

const LIMITS = {
  limits: { maxPixels: 50_000_000, maxFrames: 300, maxAnimationPixels: 200_000_000 },
  svgMaxBytes: 2_000_000,
};
const MIB = 2 ** 20;

Deno.test("an upload is charged from its headers: a 49 MP PNG at over 500 MiB, a 4 MP one at ~50", () => {
  const big = ingestCost(pngHeaderOnly(7000, 7000), LIMITS);
  const small = ingestCost(pngHeaderOnly(2000, 2000), LIMITS);
  assert.ok(big > 500 * MIB && big < 700 * MIB, `${big / MIB} MiB`);
  assert.ok(small > 40 * MIB && small < 80 * MIB, `${small / MIB} MiB`);
});

Deno.test("an upload past MAX_PIXELS, or one whose headers cannot be read, is charged the minimum", () => {
  assert.equal(ingestCost(pngHeaderOnly(20_000, 20_000), LIMITS), MIN_JOB_BYTES);
  const junk = new Uint8Array(1000).fill(7);
  assert.equal(ingestCost(junk, LIMITS), MIN_JOB_BYTES + junk.length);
});

Deno.test("a JPEG resized down is charged at its DCT-scaled decode, a PNG at its full size", () => {
  const stored = { width: 8000, height: 6000, frames: 1 };
  const jpeg = transformCost({ ...stored, format: "jpeg" }, { w: 800 }, "jpg", 50_000_000);
  const png = transformCost({ ...stored, format: "png" }, { w: 800 }, "jpg", 50_000_000);
  const jpegFull = transformCost({ ...stored, format: "jpeg" }, { blur: 2 }, "jpg", 50_000_000);
  assert.ok(jpeg < 60 * MIB, `${jpeg / MIB} MiB`);
  assert.ok(png > 500 * MIB, `${png / MIB} MiB`);
  assert.ok(jpegFull > 300 * MIB, `${jpegFull / MIB} MiB`);
});

Deno.test("an SVG is charged at the size it is rasterised at", () => {
  const svg = { format: "svg", width: 100, height: 100, frames: 1 };
  const thumb = transformCost(svg, { w: 200 }, "png", 50_000_000);
  const poster = transformCost(svg, { w: 6000, fit: "cover" }, "png", 50_000_000);
  assert.ok(thumb < 30 * MIB, `${thumb / MIB} MiB`);
  assert.ok(poster > 36_000_000 * 16, `${poster / MIB} MiB`);
});
