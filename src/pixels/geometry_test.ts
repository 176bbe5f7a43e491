import assert from "node:assert/strict";
import { crop, flip, orient, pad, rotate } from "./geometry.ts";
import { image, pixel } from "../../tests/support/test_pixels.ts";

// Every pixel distinct, so a misplaced one cannot go unnoticed.
const numbered = (w: number, h: number) =>
  image(w, h, (x, y) => [x & 255, y & 255, (x >> 8) * 16 + (y >> 8), 255]);

Deno.test("rotate=90 of 600x400 is 400x600 and turns clockwise, pixel for pixel", () => {
  const src = numbered(600, 400);
  const out = rotate(src, 90);
  assert.equal(out.width, 400);
  assert.equal(out.height, 600);
  // Clockwise: the top-left corner goes to the top right, the bottom-left to the top-left.
  assert.deepEqual(pixel(out, 399, 0), pixel(src, 0, 0));
  assert.deepEqual(pixel(out, 0, 0), pixel(src, 0, 399));
  for (let y = 0; y < out.height; y++) {
    for (let x = 0; x < out.width; x++) {
      const o = (y * out.width + x) * 4, s = ((399 - x) * 600 + y) * 4;
      if (out.data[o] !== src.data[s] || out.data[o + 1] !== src.data[s + 1]) {
        assert.fail(`(${x},${y}) should come from (${y},${399 - x})`);
      }
    }
  }
});

Deno.test("rotate=180 and 270 match two and three quarter turns", () => {
  const src = numbered(60, 40);
  assert.deepEqual(rotate(src, 180), rotate(rotate(src, 90), 90));
  assert.deepEqual(rotate(src, 270), rotate(rotate(rotate(src, 90), 90), 90));
  assert.deepEqual(rotate(rotate(src, 90), 270).data, src.data);
});

Deno.test("flip=h mirrors left and right, v top and bottom, hv both", () => {
  const src = numbered(30, 20);
  const h = flip(src, "h");
  for (let y = 0; y < 20; y++) {
    for (let x = 0; x < 30; x++) assert.deepEqual(pixel(h, x, y), pixel(src, 29 - x, y));
  }
  const v = flip(src, "v");
  assert.deepEqual(pixel(v, 3, 0), pixel(src, 3, 19));
  assert.deepEqual(flip(src, "hv").data, flip(flip(src, "h"), "v").data);
});

/** Mirror across the main diagonal, written out independently of rotate and flip. */
function transpose(img: ReturnType<typeof numbered>) {
  return image(
    img.height,
    img.width,
    (x, y) => pixel(img, y, x) as [number, number, number, number],
  );
}

Deno.test("EXIF orientations 2-8 undo what the camera recorded", () => {
  const upright = numbered(6, 4);
  // What a camera stores for each orientation, given the upright picture.
  const stored: Record<number, ReturnType<typeof numbered>> = {
    2: flip(upright, "h"),
    3: rotate(upright, 180),
    4: flip(upright, "v"),
    5: transpose(upright),
    6: rotate(upright, 270),
    7: rotate(transpose(upright), 180), // transverse: the other diagonal
    8: rotate(upright, 90),
  };
  for (const [o, img] of Object.entries(stored)) {
    assert.deepEqual(orient(img, Number(o)).data, upright.data, `orientation ${o}`);
  }
  assert.equal(orient(upright, 1), upright);
});

Deno.test("crop cuts the rectangle, clipped to the image; pad centres on a clear canvas", () => {
  const src = numbered(10, 8);
  const c = crop(src, { x: 2, y: 3, width: 4, height: 2 });
  assert.deepEqual([c.width, c.height], [4, 2]);
  assert.deepEqual(pixel(c, 0, 0), pixel(src, 2, 3));
  assert.deepEqual(pixel(c, 3, 1), pixel(src, 5, 4));
  const clipped = crop(src, { x: 8, y: 0, width: 10, height: 10 });
  assert.deepEqual([clipped.width, clipped.height], [2, 8]);
  const p = pad(src, 14, 8, 2, 0);
  assert.deepEqual(pixel(p, 0, 0), [0, 0, 0, 0]);
  assert.deepEqual(pixel(p, 2, 0), pixel(src, 0, 0));
  assert.deepEqual(pixel(p, 13, 7), [0, 0, 0, 0]);
});
