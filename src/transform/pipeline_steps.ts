import type { Rgba } from "../codecs/mod.ts";
import {
  applyLut,
  autoCropOffset,
  blur,
  crop,
  flatten,
  flip,
  orient,
  pad,
  resize,
  rotate,
  saturate,
  sharpen,
} from "../pixels/mod.ts";
import type { OutputFormat, TransformParams } from "./params.ts";
import type { GeometryPlan } from "./plan.ts";
import { applyMask, faceWindow, orientBoxes } from "../vision/mod.ts";
import type { PipelineVision } from "./pipeline.ts";

type Colour = [number, number, number, number];
const WHITE: Colour = [255, 255, 255, 255];

/** What every step may read, computed once per transform (not per frame). */
export type StepContext = {
  p: TransformParams;
  format: OutputFormat;
  /** EXIF orientation of the stored original (1 = as stored). */
  orientation: number;
  /** The source's size once oriented and rotated: the plan's coordinates. */
  oriented: { width: number; height: number };
  plan: GeometryPlan;
  lut: Uint8Array | null;
  /** What transparency is laid on: `background`, or white for JPEG. */
  matte: Colour | null;
  /** One crop offset for every frame, so an animation does not jitter; set by the first. */
  cropAt: [number, number] | null;
  /** A foreground mask and face boxes, in displayed source pixels, when the transform uses them. */
  vision: PipelineVision;
  /** The source's displayed size (the doc's), which the vision results are measured in. */
  source: { width: number; height: number };
};

export type Step = {
  name: string;
  applies(c: StepContext): boolean;
  run(img: Rgba, c: StepContext): Rgba;
};

/**
 * The pixel operations in SPEC §5's order, each named, run on every frame between decode and
 * encode. Reordering this list is a visible change to what every transform produces.
 */
export const PIPELINE_STEPS: readonly Step[] = [
  { name: "orient", applies: () => true, run: (img, c) => orient(img, c.orientation) },
  // The mask is in displayed pixels, so it rides through flip, rotate, crop and resize as the
  // alpha channel: the same result as segmenting after resize/crop (SPEC §5's order).
  {
    name: "mask",
    applies: (c) => !!c.vision.mask,
    run: (img, c) => applyMask(img, c.vision.mask!),
  },
  { name: "flip", applies: (c) => !!c.p.flip, run: (img, c) => flip(img, c.p.flip!) },
  { name: "rotate", applies: (c) => !!c.p.rotate, run: (img, c) => rotate(img, c.p.rotate!) },
  {
    name: "crop",
    applies: (c) => c.plan.crop !== null,
    run(img, c) {
      const window = c.plan.crop!;
      // The plan is in oriented source pixels; a JPEG decoded smaller, or an SVG rasterised at
      // another size, scales it.
      const fx = img.width / c.oriented.width, fy = img.height / c.oriented.height;
      const width = Math.max(1, Math.round(window.width * fx));
      const height = Math.max(1, Math.round(window.height * fy));
      if (window.face && c.vision.faces?.length) {
        const faces = orientBoxes(c.vision.faces, c.source.width, c.source.height, c.p, fx, fy);
        const want = c.plan.pad ?? c.plan;
        return crop(img, faceWindow(faces, img.width, img.height, { width, height }, want));
      }
      c.cropAt ??= window.auto
        ? autoCropOffset(img, width, height)
        : [Math.round(window.x * fx), Math.round(window.y * fy)];
      return crop(img, { x: c.cropAt[0], y: c.cropAt[1], width, height });
    },
  },
  {
    name: "resize",
    applies: () => true,
    run(img, c) {
      const want = c.plan.pad ?? c.plan;
      return img.width !== want.width || img.height !== want.height
        ? resize(img, want.width, want.height)
        : img;
    },
  },
  {
    name: "pad",
    applies: (c) => c.plan.pad !== null,
    run(img, c) {
      const { x, y, canvasWidth, canvasHeight } = c.plan.pad!;
      return pad(img, canvasWidth, canvasHeight, x, y);
    },
  },
  {
    name: "background",
    applies: (c) => c.matte !== null,
    run(img, c) {
      const out = flatten(img, c.matte!);
      // JPEG has no alpha: a translucent background is itself laid on white.
      return c.format === "jpg" && c.matte![3] !== 255 ? flatten(out, WHITE) : out;
    },
  },
  { name: "tone", applies: (c) => c.lut !== null, run: (img, c) => applyLut(img, c.lut!) },
  {
    name: "saturation",
    applies: (c) => (c.p.saturation ?? 1) !== 1,
    run: (img, c) => saturate(img, c.p.saturation!),
  },
  { name: "blur", applies: (c) => !!c.p.blur, run: (img, c) => blur(img, c.p.blur!) },
  { name: "sharp", applies: (c) => !!c.p.sharp, run: (img, c) => sharpen(img, c.p.sharp!) },
];

/** The steps a transform runs, in order. */
export const stepsFor = (c: StepContext): Step[] => PIPELINE_STEPS.filter((s) => s.applies(c));

export const matteFor = (p: TransformParams, format: OutputFormat): Colour | null =>
  p.background ?? (format === "jpg" ? WHITE : null);
