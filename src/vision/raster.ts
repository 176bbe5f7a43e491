import type { Rgba } from "../codecs/mod.ts";
import { resize } from "../pixels/mod.ts";

/** An 8-bit single-channel image: 0 is background, 255 is foreground. */
export type Mask = { width: number; height: number; data: Uint8Array };

/**
 * A copy whose long side is at most `maxSide` (area-averaged, so nothing aliases). Models see
 * this, never the full image: a 12 MP input made tfjs alone allocate over 1 GB.
 */
export function downscale(img: Rgba, maxSide: number): Rgba {
  const s = Math.min(1, maxSide / Math.max(img.width, img.height));
  if (s === 1) return img;
  return resize(
    img,
    Math.max(1, Math.round(img.width * s)),
    Math.max(1, Math.round(img.height * s)),
  );
}

/** Bilinear resampling of a mask: upsampling a coarse mask gives soft (feathered) edges. */
export function resizeMask(m: Mask, width: number, height: number): Mask {
  if (m.width === width && m.height === height) return m;
  const out = new Uint8Array(width * height);
  const sx = m.width / width, sy = m.height / height;
  for (let y = 0; y < height; y++) {
    const fy = Math.max(0, Math.min(m.height - 1, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy), y1 = Math.min(m.height - 1, y0 + 1), wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.max(0, Math.min(m.width - 1, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx), x1 = Math.min(m.width - 1, x0 + 1), wx = fx - x0;
      const top = m.data[y0 * m.width + x0] * (1 - wx) + m.data[y0 * m.width + x1] * wx;
      const bottom = m.data[y1 * m.width + x0] * (1 - wx) + m.data[y1 * m.width + x1] * wx;
      out[y * width + x] = Math.round(top * (1 - wy) + bottom * wy);
    }
  }
  return { width, height, data: out };
}

/** Float RGB, planar or interleaved, scaled into [lo, hi], at exactly `size`×`size`. */
export function toTensorData(
  img: Rgba,
  width: number,
  height: number,
  range: [number, number],
  layout: "hwc" | "chw" = "hwc",
): Float32Array {
  const small = resize(img, width, height);
  const n = width * height;
  const out = new Float32Array(n * 3);
  const [lo, hi] = range;
  const k = (hi - lo) / 255;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) {
      const v = lo + small.data[i * 4 + c] * k;
      if (layout === "hwc") out[i * 3 + c] = v;
      else out[c * n + i] = v;
    }
  }
  return out;
}

/**
 * Softens a mask's edge with a small box blur (two passes), so a hard model edge is not jagged
 * once upsampled. `radius` is in mask pixels.
 */
export function feather(m: Mask, radius: number): Mask {
  if (radius < 1) return m;
  const { width, height } = m;
  const tmp = new Float32Array(width * height);
  const out = new Uint8Array(width * height);
  const r = Math.round(radius);
  for (let y = 0; y < height; y++) {
    let acc = 0;
    for (let x = -r; x <= r; x++) acc += m.data[y * width + Math.max(0, Math.min(width - 1, x))];
    for (let x = 0; x < width; x++) {
      tmp[y * width + x] = acc / (2 * r + 1);
      const add = Math.min(width - 1, x + r + 1), drop = Math.max(0, x - r);
      acc += m.data[y * width + add] - m.data[y * width + drop];
    }
  }
  for (let x = 0; x < width; x++) {
    let acc = 0;
    for (let y = -r; y <= r; y++) acc += tmp[Math.max(0, Math.min(height - 1, y)) * width + x];
    for (let y = 0; y < height; y++) {
      out[y * width + x] = Math.round(acc / (2 * r + 1));
      const add = Math.min(height - 1, y + r + 1), drop = Math.max(0, y - r);
      acc += tmp[add * width + x] - tmp[drop * width + x];
    }
  }
  return { width, height, data: out };
}
