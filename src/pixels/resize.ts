import type { Rgba } from "../codecs/mod.ts";
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
  const out = resample(src, width, height, !alpha);
  return alpha ? unpremultiply(out) : out;
}

/**
 * Vertical pass first, one output row at a time into a single float row, then the horizontal
 * pass from that row into bytes: the working set is one source-wide row, not a whole
 * intermediate image. An opaque image skips the alpha sums (alpha stays 255).
 */
function resample(img: Rgba, width: number, height: number, opaque: boolean): Rgba {
  const { width: sw, height: sh, data } = img;
  const ty = taps(sh, height);
  const tx = taps(sw, width);
  const rowLen = sw * 4;
  const row = new Float32Array(rowLen);
  const out = new Uint8ClampedArray(width * height * 4);
  const { start: xStart, count: xCount, weights: xWeights, stride: xStride } = tx;
  for (let y = 0; y < height; y++) {
    verticalRow(data, row, rowLen, ty, y);
    let o = y * width * 4;
    if (opaque) {
      for (let x = 0; x < width; x++, o += 4) {
        let r = 0, g = 0, b = 0;
        const n = xCount[x], wBase = x * xStride;
        let s = xStart[x] * 4;
        for (let k = 0; k < n; k++, s += 4) {
          const w = xWeights[wBase + k];
          r += row[s] * w;
          g += row[s + 1] * w;
          b += row[s + 2] * w;
        }
        out[o] = r;
        out[o + 1] = g;
        out[o + 2] = b;
        out[o + 3] = 255;
      }
    } else {
      for (let x = 0; x < width; x++, o += 4) {
        let r = 0, g = 0, b = 0, a = 0;
        const n = xCount[x], wBase = x * xStride;
        let s = xStart[x] * 4;
        for (let k = 0; k < n; k++, s += 4) {
          const w = xWeights[wBase + k];
          r += row[s] * w;
          g += row[s + 1] * w;
          b += row[s + 2] * w;
          a += row[s + 3] * w;
        }
        out[o] = r;
        out[o + 1] = g;
        out[o + 2] = b;
        out[o + 3] = a;
      }
    }
  }
  return { width, height, data: new Uint8Array(out.buffer) };
}

/** Output row `y` of the vertical pass, at full source width. Up to three taps in one sweep. */
function verticalRow(data: Uint8Array, row: Float32Array, rowLen: number, ty: Taps, y: number) {
  const n = ty.count[y], wBase = y * ty.stride;
  const w = ty.weights;
  let s0 = ty.start[y] * rowLen;
  let k: number;
  if (n >= 3) {
    const w0 = w[wBase], w1 = w[wBase + 1], w2 = w[wBase + 2];
    const s1 = s0 + rowLen, s2 = s1 + rowLen;
    for (let i = 0; i < rowLen; i++) {
      row[i] = data[s0 + i] * w0 + data[s1 + i] * w1 + data[s2 + i] * w2;
    }
    k = 3;
  } else if (n === 2) {
    const w0 = w[wBase], w1 = w[wBase + 1];
    const s1 = s0 + rowLen;
    for (let i = 0; i < rowLen; i++) row[i] = data[s0 + i] * w0 + data[s1 + i] * w1;
    k = 2;
  } else {
    const w0 = w[wBase];
    for (let i = 0; i < rowLen; i++) row[i] = data[s0 + i] * w0;
    k = 1;
  }
  for (s0 += k * rowLen; k < n; k++, s0 += rowLen) {
    const wk = w[wBase + k];
    for (let i = 0; i < rowLen; i++) row[i] += data[s0 + i] * wk;
  }
}
