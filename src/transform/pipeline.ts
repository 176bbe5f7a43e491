import {
  type DecodedFrame,
  encodeAvif,
  encodeGif,
  encodeJpeg,
  encodePng,
  encodeWebp,
  exifFor,
  insertExif,
  readExif,
  type Rgba,
  type StoredFormat,
  stripMetadata,
} from "../codecs/mod.ts";
import { decodeSource } from "../imaging/mod.ts";
import { swapsAxes } from "../imaging/mod.ts";
import { readHeader } from "../imaging/mod.ts";
import type { OutputFormat, TransformParams } from "./params.ts";
import { type GeometryPlan, orientedSize, planGeometry } from "./plan.ts";
import { touchesPixels } from "./pixel_rules.ts";
import { matteFor, type StepContext, stepsFor } from "./pipeline_steps.ts";
import { isIdentityTone, toneLut } from "../pixels/mod.ts";
import type { Box, Mask } from "../vision/mod.ts";

/** A stored original, as the image doc describes it. */
export type Source = {
  bytes: Uint8Array;
  format: StoredFormat;
  /** As displayed, after EXIF orientation (the doc's width and height). */
  width: number;
  height: number;
  frames: number;
};

/** What the vision engine found in the source (displayed pixels): see src/vision. */
export type PipelineVision = { mask?: Mask; faces?: Box[] };

export type Output = { bytes: Uint8Array; format: OutputFormat; width: number; height: number };

export const DEFAULT_QUALITY: Record<OutputFormat, number> = {
  jpg: 80,
  webp: 80,
  avif: 50,
  png: 100,
  gif: 100,
};

// Light rules the request thread needs too (transform_service), kept out of this heavy module.
export { EXTENSION_OF, touchesPixels } from "./pixel_rules.ts";

function orientationOf(source: Source): number {
  if (source.format !== "jpeg" && source.format !== "png") return 1;
  try {
    return readHeader(source.bytes, source.format).orientation;
  } catch {
    return 1;
  }
}

/**
 * Decode, the named pixel steps in SPEC §5's order (PIPELINE_STEPS: orientation, mask, flip,
 * rotate, crop, resize, pad, background, tone, saturation, blur, sharp), encode. Every step applies to
 * every frame of an animation that stays one.
 */
export async function runPipeline(
  source: Source,
  p: TransformParams,
  format: OutputFormat,
  limits: PipelineLimits = { maxPixels: DEFAULT_MAX_PIXELS },
  vision: PipelineVision = {},
): Promise<Output> {
  const orientation = orientationOf(source);
  // A JPEG whose pixels stay as they are keeps its compressed data: only metadata changes.
  if (source.format === "jpeg" && format === "jpg" && !touchesPixels(p)) {
    if (p.metadata === "keep") return { bytes: source.bytes, format, ...size(source) };
    if (orientation === 1) {
      const exif = exifFor(readExif(source.bytes), p.metadata ?? "copyright", false);
      return { bytes: insertExif(stripMetadata(source.bytes), exif), format, ...size(source) };
    }
  }
  const oriented = orientedSize(source.width, source.height, p);
  const plan = planGeometry(oriented.width, oriented.height, p);
  const frames = await decodeSource(source.bytes, source.format, {
    atLeast: decodeTarget(source, plan, oriented, orientation, limits.maxPixels),
    // A mask is of the first frame: a segmented animation is its first frame.
    allFrames: source.format === "gif" && format === "gif" && source.frames > 1 && !p.segment,
  });
  const context: StepContext = {
    p,
    format,
    orientation,
    oriented,
    plan,
    lut: isIdentityTone(p) ? null : toneLut(p),
    matte: matteFor(p, format),
    cropAt: null,
    vision,
    source: size(source),
  };
  const steps = stepsFor(context);
  const out = frames.map((frame): DecodedFrame => ({
    ...steps.reduce((img: Rgba, step) => step.run(img, context), frame),
    delayMs: frame.delayMs,
  }));
  const bytes = await encode(out, format, p.quality ?? DEFAULT_QUALITY[format]);
  const result = format === "jpg" && source.format === "jpeg"
    ? insertExif(bytes, exifFor(readExif(source.bytes), p.metadata ?? "copyright", true))
    : bytes;
  return { bytes: result, format, width: out[0].width, height: out[0].height };
}

const size = (s: Source) => ({ width: s.width, height: s.height });

/** The default MAX_PIXELS: the most pixels any working image of a transform may have. */
export const DEFAULT_MAX_PIXELS = 50_000_000;

export type PipelineLimits = { maxPixels: number };

/**
 * An SVG is rasterised whole and then cropped, so a thin window of a long drawing would make a
 * large raster. It gets at most this many times the output's pixels (and never more than
 * maxPixels); beyond that the window is rasterised smaller and enlarged, which only shows on
 * extreme shapes.
 */
const SVG_RASTER_BUDGET = 16;

/**
 * The size to decode at, in stored orientation. A JPEG decoder then scales in the DCT; an SVG
 * is rasterised at it (within SVG_RASTER_BUDGET). Null means full size.
 */
export function decodeTarget(
  source: Source,
  plan: GeometryPlan,
  oriented: { width: number; height: number },
  orientation: number,
  maxPixels: number,
): { width: number; height: number } | undefined {
  if (!plan.resize) return undefined;
  // A face window is smaller than the plan's: it needs the full resolution.
  if (plan.crop?.face) return undefined;
  const window = plan.crop ?? oriented;
  let s = Math.max(plan.resize.width / window.width, plan.resize.height / window.height);
  if (s >= 1 && source.format !== "svg") return undefined;
  const swap = swapsAxes(orientation);
  const storedW = swap ? source.height : source.width;
  const storedH = swap ? source.width : source.height;
  if (source.format === "svg") {
    const budget = Math.min(maxPixels, SVG_RASTER_BUDGET * plan.resize.width * plan.resize.height);
    const area = storedW * s * storedH * s;
    if (area > budget) {
      s *= Math.sqrt(budget / area);
      // Never below one pixel a side (the rasteriser clamps the same way).
      return {
        width: Math.max(1, Math.floor(storedW * s)),
        height: Math.max(1, Math.floor(storedH * s)),
      };
    }
  }
  return { width: Math.ceil(storedW * s), height: Math.ceil(storedH * s) };
}

async function encode(
  frames: DecodedFrame[],
  format: OutputFormat,
  quality: number,
): Promise<Uint8Array> {
  switch (format) {
    case "jpg":
      return encodeJpeg(frames[0], quality);
    case "webp":
      return await encodeWebp(frames[0], quality);
    case "avif":
      return await encodeAvif(frames[0], quality);
    case "png":
      return await encodePng(frames[0]);
    case "gif":
      return encodeGif(frames);
  }
}
