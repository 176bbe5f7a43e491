import assert from "node:assert/strict";
import { PIPELINE_STEPS, type StepContext, stepsFor } from "./pipeline_steps.ts";
import { planGeometry } from "./plan.ts";
import type { TransformParams } from "./params.ts";

const context = (p: TransformParams, format: "jpg" | "png" = "png"): StepContext => ({
  p,
  format,
  orientation: 1,
  oriented: { width: 400, height: 300 },
  plan: planGeometry(400, 300, p),
  lut: p.brightness ? new Uint8Array(256) : null,
  matte: p.background ?? (format === "jpg" ? [255, 255, 255, 255] : null),
  cropAt: null,
  vision: {},
  source: { width: 400, height: 300 },
});

Deno.test("the pipeline's steps are named and run in SPEC §5's order", () => {
  assert.deepEqual(PIPELINE_STEPS.map((s) => s.name), [
    "orient",
    "mask",
    "flip",
    "rotate",
    "crop",
    "resize",
    "pad",
    "background",
    "tone",
    "saturation",
    "blur",
    "sharp",
  ]);
});

Deno.test("a transform runs only the steps its parameters ask for", () => {
  const names = (p: TransformParams, format?: "jpg" | "png") =>
    stepsFor(context(p, format)).map((s) => s.name);
  assert.deepEqual(names({ blur: 3 }), ["orient", "resize", "blur"]);
  assert.deepEqual(names({ blur: 3 }, "jpg"), ["orient", "resize", "background", "blur"]);
  assert.deepEqual(names({ flip: "h", sharp: 2, brightness: 1.2 }), [
    "orient",
    "flip",
    "resize",
    "tone",
    "sharp",
  ]);
  assert.deepEqual(names({ w: 100, h: 100, fit: "cover" }), ["orient", "crop", "resize"]);
  assert.deepEqual(names({ w: 100, h: 100, fit: "pad" }), ["orient", "resize", "pad"]);
});
