import assert from "node:assert/strict";
import { flatten } from "./alpha.ts";
import { blur } from "./blur.ts";
import { resize } from "./resize.ts";
import { sharpen } from "./sharpen.ts";
import { edgeEnergy, image, pixel, testCard } from "../../tests/support/test_pixels.ts";

const copy = (img: ReturnType<typeof testCard>) => ({ ...img, data: img.data.slice() });
// Edges only (stripes and a square on a flat field), so that edge energy is all there is.
const edges = () =>
  image(120, 80, (x, y) => {
    const on = (x > 30 && x < 60 && y > 20 && y < 60) || (x > 80 && (x >> 2) % 2 === 0);
    return on ? [220, 60, 40, 255] : [40, 90, 160, 255];
  });

Deno.test("blur lowers edge energy, more with a larger radius", () => {
  const card = edges();
  const base = edgeEnergy(card);
  const small = edgeEnergy(blur(copy(card), 2));
  const large = edgeEnergy(blur(copy(card), 20));
  assert.ok(small < base * 0.7, `${small} vs ${base}`);
  assert.ok(large < small, `${large} vs ${small}`);
});

Deno.test("blur never wraps around: a white field next to black stays white far from the edge", () => {
  const img = blur(image(200, 10, (x) => (x < 100 ? [0, 0, 0, 255] : [255, 255, 255, 255])), 3);
  assert.ok(pixel(img, 195, 5)[0] >= 250, String(pixel(img, 195, 5)));
  assert.ok(pixel(img, 5, 5)[0] <= 5, String(pixel(img, 5, 5)));
  const flat = blur(image(50, 50, () => [200, 100, 50, 255]), 250);
  assert.deepEqual(pixel(flat, 25, 25), [200, 100, 50, 255]);
});

Deno.test("blur costs the same for radius 250 as for radius 2", () => {
  const time = (radius: number) => {
    const img = testCard(800, 600);
    const t0 = performance.now();
    blur(img, radius);
    return performance.now() - t0;
  };
  time(2); // warm up the JIT
  const [r2, r250] = [Math.min(time(2), time(2)), Math.min(time(250), time(250))];
  assert.ok(r250 < r2 * 3 + 20, `radius 250 took ${r250} ms, radius 2 ${r2} ms`);
});

Deno.test("sharp raises edge energy, more with more strength; 0 changes nothing", () => {
  const soft = blur(edges(), 1.5);
  const base = edgeEnergy(soft);
  const some = edgeEnergy(sharpen(copy(soft), 3));
  const more = edgeEnergy(sharpen(copy(soft), 10));
  assert.ok(some > base * 1.1, `${some} vs ${base}`);
  assert.ok(more > some);
  assert.deepEqual(sharpen(copy(soft), 0).data, soft.data);
});

Deno.test("area-average downscale averages what each output pixel covers", () => {
  const checker = image(64, 64, (x, y) => ((x + y) % 2 ? [255, 255, 255, 255] : [0, 0, 0, 255]));
  const out = resize(checker, 16, 16);
  assert.deepEqual([out.width, out.height], [16, 16]);
  for (let i = 0; i < out.data.length; i += 4) assert.ok(Math.abs(out.data[i] - 128) <= 1);
  // A non-integer ratio keeps the mean too.
  const odd = resize(image(100, 30, () => [90, 90, 90, 255]), 37, 11);
  assert.deepEqual(pixel(odd, 36, 10), [90, 90, 90, 255]);
});

Deno.test("upscaling interpolates between neighbours", () => {
  const two = image(2, 1, (x) => (x === 0 ? [0, 0, 0, 255] : [200, 200, 200, 255]));
  const out = resize(two, 8, 1);
  const reds = Array.from({ length: 8 }, (_, x) => pixel(out, x, 0)[0]);
  assert.equal(reds[0], 0);
  assert.equal(reds[7], 200);
  for (let x = 1; x < 8; x++) assert.ok(reds[x] >= reds[x - 1]);
});

Deno.test("resizing transparent edges leaves no dark fringe (premultiplied alpha)", () => {
  // Red opaque half, fully transparent black half: the averaged edge must stay red.
  const img = image(4, 1, (x) => (x < 2 ? [255, 0, 0, 255] : [0, 0, 0, 0]));
  const out = resize(img, 1, 1);
  const [r, g, b, a] = pixel(out, 0, 0);
  assert.ok(r >= 250 && g === 0 && b === 0, `${r},${g},${b}`);
  assert.ok(Math.abs(a - 128) <= 1);
});

Deno.test("flatten lays the image over the background colour", () => {
  const img = image(3, 1, (x) =>
    [[0, 0, 255, 0], [0, 0, 255, 255], [0, 0, 255, 128]][x] as [
      number,
      number,
      number,
      number,
    ]);
  const out = flatten(img, [255, 0, 0, 255]);
  assert.deepEqual(pixel(out, 0, 0), [255, 0, 0, 255]);
  assert.deepEqual(pixel(out, 1, 0), [0, 0, 255, 255]);
  const [r, , b, a] = pixel(out, 2, 0);
  assert.ok(Math.abs(r - 127) <= 1 && Math.abs(b - 128) <= 1 && a === 255);
});

Deno.test("an opaque image needs no flattening and resizes to opaque pixels", () => {
  const card = testCard(90, 60);
  assert.equal(flatten(card, [255, 255, 255, 255]), card);
  const ramp = image(300, 7, (x) => [x % 256, 255 - (x % 256), 7, 255]);
  const out = resize(ramp, 97, 3);
  for (let i = 3; i < out.data.length; i += 4) assert.equal(out.data[i], 255);
  for (let x = 1; x < 80; x++) assert.ok(pixel(out, x, 1)[0] >= pixel(out, x - 1, 1)[0]);
  assert.deepEqual(pixel(out, 96, 2), [42, 213, 7, 255]); // the mean of x = 296.9…300
});
