// A sub-path import: the FFI-free v2 op, never imagescript's main entry (a native addon).
import { gaussian } from "imagescript/v2/ops/blur.mjs";
import type { Rgba } from "../codecs/mod.ts";
import { hasAlpha, premultiply, unpremultiply } from "./alpha.ts";

type Framebuffer = { width: number; height: number; u8: Uint8Array | Uint8ClampedArray };
const recursiveGaussian = gaussian as (radius: number, fb: Framebuffer) => void;

/**
 * Gaussian blur by a recursive (IIR) filter: four multiply-adds per pixel and pass whatever the
 * radius, so blur=250 costs what blur=1 does. In place.
 */
export function blur(img: Rgba, radius: number): Rgba {
  if (radius <= 0) return img;
  const alpha = hasAlpha(img);
  const work = alpha ? premultiply(img) : img;
  // The filter writes floats into the buffer; a clamped view makes overshoot saturate instead
  // of wrapping around (256 → 0) as a plain Uint8Array would.
  const u8 = new Uint8ClampedArray(work.data.buffer, work.data.byteOffset, work.data.length);
  recursiveGaussian(radius, { width: work.width, height: work.height, u8 });
  return alpha ? unpremultiply(work) : work;
}
