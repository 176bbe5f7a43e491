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
  assert.deepEqual(at(undefined), [50, 0]); // resized to 300x200, centred
  assert.deepEqual(at({ kind: "side", side: "left" }), [0, 0]);
  assert.deepEqual(at({ kind: "side", side: "right" }), [100, 0]);
  assert.deepEqual(at({ kind: "point", x: 0, y: 0 }), [0, 0]);
  assert.deepEqual(at({ kind: "point", x: 0.75, y: 0.5 }), [100, 0]);
  assert.equal(
    planGeometry(600, 400, { w: 200, h: 200, fit: "cover", gravity: { kind: "auto" } }).crop!.auto,
    true,
  );
});

Deno.test("rotate by a quarter swaps the output's sides", () => {
  assert.deepEqual(outputSize(600, 400, { rotate: 90 }), { width: 400, height: 600 });
  assert.deepEqual(outputSize(600, 400, { rotate: 180, size: "s" }), { width: 480, height: 320 });
});
