import type { Rgba } from "../imaging/decode_pixels.ts";
import { hasAlpha, premultiply, unpremultiply } from "./alpha.ts";

/** For each output index along one axis: the source indices it reads and their weights. */
type Taps = { start: Int32Array; count: Int32Array; weights: Float32Array; stride: number };

/**
 * Shrinking averages the exact area each output pixel covers (a box filter with fractional
 * edges), which is what keeps fine detail from aliasing. Growing interpolates linearly.
 */
function taps(src: number, dst: number): Taps {
  const scale = src / dst;
  const stride = scale > 1 ? Math.ceil(scale) + 2 : 2;
  const start = new Int32Array(dst);
  const count = new Int32Array(dst);
  const weights = new Float32Array(dst * stride);
  for (let i = 0; i < dst; i++) {
    if (scale > 1) {
      const lo = i * scale, hi = lo + scale;
      const first = Math.floor(lo), last = Math.min(src - 1, Math.ceil(hi) - 1);
      start[i] = first;
      count[i] = last - first + 1;
      for (let s = first; s <= last; s++) {
        const overlap = Math.min(hi, s + 1) - Math.max(lo, s);
        weights[i * stride + s - first] = overlap / scale;
      }
    } else {
      const center = Math.max(0, Math.min(src - 1, (i + 0.5) * scale - 0.5));
      const left = Math.floor(center);
      const frac = center - left;
      start[i] = left;
      count[i] = left + 1 < src ? 2 : 1;
      weights[i * stride] = count[i] === 2 ? 1 - frac : 1;
      weights[i * stride + 1] = count[i] === 2 ? frac : 0;
    }
  }
  return { start, count, weights, stride };
}

/** Resamples to exactly `width`×`height`. Alpha is premultiplied so edges do not darken. */
export function resize(img: Rgba, width: number, height: number): Rgba {
  if (width === img.width && height === img.height) return img;
  const alpha = hasAlpha(img);
  const src = alpha ? premultiply(img) : img;
  const out = resample(src, width, height);
  return alpha ? unpremultiply(out) : out;
}

function resample(img: Rgba, width: number, height: number): Rgba {
  const { width: sw, height: sh, data } = img;
  // Horizontal pass into floats (sh rows of `width`), then vertical into bytes.
  const tx = taps(sw, width);
  const mid = new Float32Array(width * sh * 4);
  for (let y = 0; y < sh; y++) {
    const row = y * sw * 4;
    let o = y * width * 4;
    for (let x = 0; x < width; x++, o += 4) {
      let r = 0, g = 0, b = 0, a = 0;
      const n = tx.count[x], wBase = x * tx.stride;
      let s = row + tx.start[x] * 4;
      for (let k = 0; k < n; k++, s += 4) {
        const wgt = tx.weights[wBase + k];
        r += data[s] * wgt;
        g += data[s + 1] * wgt;
        b += data[s + 2] * wgt;
        a += data[s + 3] * wgt;
      }
      mid[o] = r;
      mid[o + 1] = g;
      mid[o + 2] = b;
      mid[o + 3] = a;
    }
  }
  const ty = taps(sh, height);
  const out = new Uint8ClampedArray(width * height * 4);
  const rowLen = width * 4;
  const acc = new Float32Array(rowLen);
  for (let y = 0; y < height; y++) {
    acc.fill(0);
    const n = ty.count[y], wBase = y * ty.stride;
    for (let k = 0; k < n; k++) {
      const wgt = ty.weights[wBase + k];
      const srcRow = (ty.start[y] + k) * rowLen;
      for (let i = 0; i < rowLen; i++) acc[i] += mid[srcRow + i] * wgt;
    }
    out.set(acc, y * rowLen);
  }
  return { width, height, data: new Uint8Array(out.buffer) };
}
