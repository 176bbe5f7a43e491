import { imageTooLarge } from "../codecs/mod.ts";

/** Limits from SPEC §4; pass `config.limits` to use the configured values. */
export type ImageLimits = {
  maxPixels?: number;
  maxFrames?: number;
  maxAnimationPixels?: number;
};

const DEFAULT_LIMITS: Required<ImageLimits> = {
  maxPixels: 50_000_000,
  maxFrames: 300,
  maxAnimationPixels: 200_000_000,
};

/** `??` rather than a spread: an explicit `undefined` (an unset config value) keeps the default. */
export function resolveLimits(limits: ImageLimits = {}): Required<ImageLimits> {
  return {
    maxPixels: limits.maxPixels ?? DEFAULT_LIMITS.maxPixels,
    maxFrames: limits.maxFrames ?? DEFAULT_LIMITS.maxFrames,
    maxAnimationPixels: limits.maxAnimationPixels ?? DEFAULT_LIMITS.maxAnimationPixels,
  };
}

/** What a probe read from the headers; nothing here has been decoded yet. */
export type Probed = {
  width: number;
  height: number;
  frames: number;
  /** The largest single buffer a decoder will allocate, in pixels. */
  largestFramePixels: number;
};

/**
 * Throws image_too_large. The wasm decoders allocate whatever a header claims, so every format
 * calls this before its decoder sees the bytes.
 */
export function checkLimits(probe: Probed, limits: ImageLimits = {}): void {
  const { maxPixels, maxFrames, maxAnimationPixels } = resolveLimits(limits);
  const { width, height, frames } = probe;
  if (probe.largestFramePixels > maxPixels) {
    throw imageTooLarge({ kind: "pixels", width, height, limit: maxPixels });
  }
  if (frames > 1 && frames > maxFrames) {
    throw imageTooLarge({ kind: "frames", frames, limit: maxFrames });
  }
  if (frames > 1 && frames * width * height > maxAnimationPixels) {
    throw imageTooLarge({
      kind: "animation",
      frames,
      pixels: frames * width * height,
      limit: maxAnimationPixels,
    });
  }
}
