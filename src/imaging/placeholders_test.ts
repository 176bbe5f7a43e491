import assert from "node:assert/strict";
import { thumbHashToApproximateAspectRatio, thumbHashToRGBA } from "thumbhash";
import { dominantColour, fitWithin, placeholders } from "./placeholders.ts";

function solid(width: number, height: number, rgba: [number, number, number, number]) {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i += 4) data.set(rgba, i);
  return data;
}

const decode = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));

Deno.test("a solid image's dominant colour is that colour, and its thumbhash decodes to it", () => {
  const p = placeholders(solid(300, 200, [200, 30, 90, 255]), 300, 200);
  assert.equal(p.dominant_color, "#c81e5a");
  const img = thumbHashToRGBA(decode(p.thumbhash));
  const mid = ((img.h >> 1) * img.w + (img.w >> 1)) * 4;
  for (const [c, want] of [[0, 200], [1, 30], [2, 90]]) {
    assert.ok(Math.abs(img.rgba[mid + c] - want) <= 12, `channel ${c}: ${img.rgba[mid + c]}`);
  }
});

Deno.test("the thumbhash keeps the image's aspect, wide or tall, of any size", () => {
  for (const [w, h] of [[1600, 400], [90, 360], [4000, 3000], [7, 7]]) {
    const p = placeholders(solid(w, h, [10, 120, 250, 255]), w, h);
    const bytes = decode(p.thumbhash);
    const ratio = thumbHashToApproximateAspectRatio(bytes);
    assert.ok(Math.abs(Math.log(ratio / (w / h))) < 0.15, `${w}x${h}: ${ratio}`);
    const img = thumbHashToRGBA(bytes);
    assert.ok(Math.abs(Math.log(img.w / img.h / (w / h))) < 0.2, `${w}x${h}: ${img.w}x${img.h}`);
  }
});

Deno.test("the dominant colour is the most common one, not the average; transparency does not count", () => {
  const data = solid(10, 10, [0, 0, 255, 255]);
  for (let i = 0; i < 30 * 4; i += 4) data.set([255, 0, 0, 255], i);
  assert.equal(dominantColour(data), "#0000ff");
  // 70 transparent red pixels and 30 opaque green ones: green.
  const clear = solid(10, 10, [255, 0, 0, 0]);
  for (let i = 0; i < 30 * 4; i += 4) clear.set([0, 255, 0, 255], i);
  assert.equal(dominantColour(clear), "#00ff00");
});

Deno.test("fitWithin averages down to at most 100 pixels a side", () => {
  const half = new Uint8Array(400 * 100 * 4);
  for (let y = 0; y < 100; y++) {
    for (let x = 0; x < 400; x++) {
      half.set(x < 200 ? [0, 0, 0, 255] : [255, 255, 255, 255], (y * 400 + x) * 4);
    }
  }
  const small = fitWithin(half, 400, 100, 100);
  assert.deepEqual([small.width, small.height], [100, 25]);
  assert.deepEqual([...small.data.subarray(0, 4)], [0, 0, 0, 255]);
  assert.deepEqual([...small.data.subarray(99 * 4, 100 * 4)], [255, 255, 255, 255]);
});
