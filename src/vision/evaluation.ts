import type { Rgba } from "../codecs/mod.ts";
import { resize } from "../pixels/mod.ts";
import { type Mask, resizeMask } from "./raster.ts";

/**
 * Intersection over union of two masks' foregrounds (> 50 %), the second resized to the first:
 * how the engine's masks are scored against masks that are known (tests and `deno task bench`).
 */
export function maskIou(truth: Mask, got: Mask): number {
  const g = resizeMask(got, truth.width, truth.height).data;
  let inter = 0, union = 0;
  for (let i = 0; i < g.length; i++) {
    const a = truth.data[i] > 127, b = g[i] > 127;
    if (a && b) inter++;
    if (a || b) union++;
  }
  return union === 0 ? 1 : inter / union;
}

/**
 * A photo with a known mask: `cutout` (RGBA) laid over `backdrop` at `scale` of its width,
 * centred. The cut-out's every visible pixel is made opaque, so the truth is exact: which
 * pixels are the object's.
 */
export function composite(cutout: Rgba, backdrop: Rgba, scale = 0.6): { image: Rgba; truth: Mask } {
  const W = backdrop.width, H = backdrop.height;
  const cw = Math.round(W * scale), ch = Math.round(cutout.height * (cw / cutout.width));
  const fg = resize(cutout, cw, Math.min(H, ch));
  const ox = Math.floor((W - fg.width) / 2), oy = Math.floor((H - fg.height) / 2);
  const data = new Uint8Array(backdrop.data);
  const truth = new Uint8Array(W * H);
  for (let y = 0; y < fg.height; y++) {
    for (let x = 0; x < fg.width; x++) {
      const s = (y * fg.width + x) * 4, d = ((y + oy) * W + x + ox) * 4;
      const a = fg.data[s + 3] > 0 ? 1 : 0;
      for (let c = 0; c < 3; c++) {
        data[d + c] = Math.round(fg.data[s + c] * a + data[d + c] * (1 - a));
      }
      truth[(y + oy) * W + x + ox] = a * 255;
    }
  }
  return { image: { width: W, height: H, data }, truth: { width: W, height: H, data: truth } };
}

/** A plain backdrop of one colour. */
export function plain(width: number, height: number, rgb: [number, number, number]): Rgba {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([...rgb, 255], i * 4);
  return { width, height, data };
}
