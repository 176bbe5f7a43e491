import assert from "node:assert/strict";
import { applyLut, isIdentityTone, saturate, toneLut } from "./tone.ts";
import { pixel, testCard } from "../../tests/support/test_pixels.ts";

const toned = (t: Parameters<typeof toneLut>[0]) => applyLut(testCard(64, 48), toneLut(t));

Deno.test("brightness=0 is black, whatever the contrast and gamma", () => {
  for (const t of [{ brightness: 0 }, { brightness: 0, contrast: 3, gamma: 0.5 }]) {
    const img = toned(t);
    for (let i = 0; i < img.data.length; i += 4) {
      assert.deepEqual([...img.data.subarray(i, i + 3)], [0, 0, 0], JSON.stringify(t));
      assert.equal(img.data[i + 3], 255, "alpha untouched");
    }
  }
});

Deno.test("contrast=0 is one flat grey", () => {
  const img = toned({ contrast: 0 });
  const first = pixel(img, 0, 0);
  assert.equal(first[0], first[1]);
  assert.equal(first[1], first[2]);
  for (let i = 0; i < img.data.length; i += 4) {
    assert.deepEqual([...img.data.subarray(i, i + 3)], first.slice(0, 3));
  }
});

Deno.test("gamma below 1 lightens midtones; gamma 0 and 1 change nothing", () => {
  assert.ok(toneLut({ gamma: 0.5 })[128] > 150);
  assert.ok(toneLut({ gamma: 2 })[128] < 100);
  assert.equal(toneLut({ gamma: 0.5 })[0], 0);
  assert.equal(toneLut({ gamma: 0.5 })[255], 255);
  for (const gamma of [0, 1]) {
    assert.deepEqual([...toneLut({ gamma })], Array.from({ length: 256 }, (_, i) => i));
    assert.ok(isIdentityTone({ gamma }));
  }
  assert.ok(!isIdentityTone({ brightness: 1.5 }));
});

Deno.test("brightness and contrast scale as multipliers and saturate at 255", () => {
  const lut = toneLut({ brightness: 2 });
  assert.equal(lut[50], 100);
  assert.equal(lut[200], 255);
  const c = toneLut({ contrast: 2 });
  assert.equal(c[128], 128);
  assert.equal(c[100], 72);
});

Deno.test("saturation=0 is grey, 1 unchanged, above 1 more colourful", () => {
  const grey = saturate(testCard(64, 48), 0);
  for (let i = 0; i < grey.data.length; i += 4) {
    assert.equal(grey.data[i], grey.data[i + 1]);
    assert.equal(grey.data[i + 1], grey.data[i + 2]);
  }
  assert.deepEqual(saturate(testCard(64, 48), 1).data, testCard(64, 48).data);
  const spread = (d: number[]) => Math.max(...d.slice(0, 3)) - Math.min(...d.slice(0, 3));
  const before = pixel(testCard(64, 48), 20, 20);
  const after = pixel(saturate(testCard(64, 48), 2), 20, 20);
  assert.ok(spread(after) > spread(before));
});
