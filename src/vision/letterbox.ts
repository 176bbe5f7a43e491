import type { Rgba } from "../codecs/mod.ts";
import { resize } from "../pixels/mod.ts";

/**
 * The image scaled to fit a `size`² square, top-left aligned, the rest black: detectors see
 * undistorted shapes. Returns float RGB (HWC or CHW) and the scale (square px per image px).
 */
export function letterbox(
  img: Rgba,
  size: number,
  range: [number, number],
  layout: "hwc" | "chw" = "hwc",
): { data: Float32Array; scale: number } {
  const scale = size / Math.max(img.width, img.height);
  const w = Math.max(1, Math.min(size, Math.round(img.width * scale)));
  const h = Math.max(1, Math.min(size, Math.round(img.height * scale)));
  const small = resize(img, w, h);
  const n = size * size;
  const [lo, hi] = range;
  const data = new Float32Array(n * 3).fill(lo);
  const k = (hi - lo) / 255;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const s = (y * w + x) * 4, d = y * size + x;
      for (let c = 0; c < 3; c++) {
        const v = lo + small.data[s + c] * k;
        if (layout === "hwc") data[d * 3 + c] = v;
        else data[c * n + d] = v;
      }
    }
  }
  return { data, scale };
}
