import assert from "node:assert/strict";
import type { TransformParams } from "./params.ts";
import { outputSize, planGeometry } from "./plan.ts";

const size = (w: number, h: number, p: TransformParams) => {
  const plan = planGeometry(w, h, p);
  return [plan.width, plan.height];
};

Deno.test("named sizes set the short side; social is a 1200x630 cover", () => {
  assert.deepEqual(size(3640, 2400, { size: "s" }), [485, 320]);
  assert.deepEqual(size(3640, 2400, { size: "m" }), [971, 640]);
  assert.deepEqual(size(2400, 3640, { size: "l" }), [1080, 1638]);
  assert.deepEqual(size(3640, 2400, { size: "social" }), [1200, 630]);
  assert.deepEqual(size(512, 512, { size: "social" }), [1200, 630]);
  // s/m/l never enlarge.
  assert.deepEqual(size(300, 200, { size: "m" }), [300, 200]);
});

Deno.test("fit modes", () => {
  assert.deepEqual(size(600, 400, { w: 300, h: 300 }), [300, 200]); // scale-down
  assert.deepEqual(size(600, 400, { w: 900, h: 900 }), [600, 400]); // never enlarges
  assert.deepEqual(size(600, 400, { w: 900, h: 900, fit: "contain" }), [900, 600]);
  assert.deepEqual(size(600, 400, { w: 300, h: 300, fit: "cover" }), [300, 300]);
  assert.deepEqual(size(600, 400, { w: 900, h: 900, fit: "cover" }), [900, 900]);
  assert.deepEqual(size(600, 400, { w: 900, h: 300, fit: "crop" }), [600, 300]);
  assert.deepEqual(size(600, 400, { w: 300, h: 300, fit: "pad" }), [300, 300]);
  assert.deepEqual(size(600, 400, { w: 150 }), [150, 100]);
  assert.deepEqual(size(600, 400, { h: 100, dpr: 2 }), [300, 200]);
});

Deno.test("cover crops where gravity says", () => {
  const at = (g: TransformParams["gravity"]) => {
    const c = planGeometry(600, 400, { w: 200, h: 200, fit: "cover", gravity: g }).crop!;
    return [c.x, c.y];
  };
  // In source pixels: a 400x400 window of the 600x400 image, then resized to 200x200.
  assert.deepEqual(at(undefined), [100, 0]); // centred
  assert.deepEqual(at({ kind: "side", side: "left" }), [0, 0]);
  assert.deepEqual(at({ kind: "side", side: "right" }), [200, 0]);
  assert.deepEqual(at({ kind: "point", x: 0, y: 0 }), [0, 0]);
  assert.deepEqual(at({ kind: "point", x: 0.75, y: 0.5 }), [200, 0]);
  assert.equal(
    planGeometry(600, 400, { w: 200, h: 200, fit: "cover", gravity: { kind: "auto" } }).crop!.auto,
    true,
  );
});

Deno.test("cover crops in source pixels first, so no working image outgrows source or output", () => {
  const plan = planGeometry(1, 4000, { size: "social" });
  assert.deepEqual(plan.crop, { x: 0, y: 2000, width: 1, height: 1, auto: false });
  assert.deepEqual(plan.resize, { width: 1200, height: 630 });
  const wide = planGeometry(3640, 2400, { size: "social" });
  assert.deepEqual(wide.crop, { x: 0, y: 245, width: 3640, height: 1911, auto: false });
  assert.deepEqual(wide.resize, { width: 1200, height: 630 });
  // fit=crop never enlarges: the window is the output.
  const crop = planGeometry(600, 400, { w: 900, h: 300, fit: "crop" });
  assert.deepEqual(crop.crop, { x: 0, y: 50, width: 600, height: 300, auto: false });
  assert.equal(crop.resize, null);
});

Deno.test("rotate by a quarter swaps the output's sides", () => {
  assert.deepEqual(outputSize(600, 400, { rotate: 90 }), { width: 400, height: 600 });
  assert.deepEqual(outputSize(600, 400, { rotate: 180, size: "s" }), { width: 480, height: 320 });
});
