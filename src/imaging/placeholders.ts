import { rgbaToThumbHash } from "thumbhash";

export type Placeholders = {
  /** ThumbHash of the image as displayed, base64 (standard alphabet, padded). */
  thumbhash: string;
  /** The most common colour, `#rrggbb`. */
  dominant_color: string;
};

/** ThumbHash takes at most 100×100 pixels. */
const THUMB_MAX = 100;

/**
 * Placeholders of an image from its RGBA pixels (straight alpha, as displayed): pure, so the
 * same pixels always give the same strings. Any size; the pixels are box-averaged down to fit
 * 100×100 first, which also smooths the noise the colour count would otherwise see.
 */
export function placeholders(rgba: Uint8Array, width: number, height: number): Placeholders {
  const small = fitWithin(rgba, width, height, THUMB_MAX);
  const hash = rgbaToThumbHash(small.width, small.height, small.data);
  return { thumbhash: base64(hash), dominant_color: dominantColour(small.data) };
}

type Pixels = { width: number; height: number; data: Uint8Array };

/** Box filter (each output pixel averages the source pixels it covers, weighted by alpha). */
export function fitWithin(rgba: Uint8Array, width: number, height: number, max: number): Pixels {
  const scale = Math.min(1, max / width, max / height);
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  if (w === width && h === height) return { width, height, data: rgba };
  const out = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    const y0 = Math.floor((y * height) / h);
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * height) / h));
    for (let x = 0; x < w; x++) {
      const x0 = Math.floor((x * width) / w);
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * width) / w));
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = y0; sy < y1; sy++) {
        let i = (sy * width + x0) * 4;
        for (let sx = x0; sx < x1; sx++, i += 4) {
          const alpha = rgba[i + 3];
          r += rgba[i] * alpha;
          g += rgba[i + 1] * alpha;
          b += rgba[i + 2] * alpha;
          a += alpha;
        }
      }
      const o = (y * w + x) * 4;
      const n = (y1 - y0) * (x1 - x0);
      if (a > 0) {
        out[o] = Math.round(r / a);
        out[o + 1] = Math.round(g / a);
        out[o + 2] = Math.round(b / a);
      }
      out[o + 3] = Math.round(a / n);
    }
  }
  return { width: w, height: h, data: out };
}

/**
 * The mean of the most populated 4-bit-per-channel bucket, each pixel counted by its alpha: a
 * photo of a red car on grey tarmac is grey, not the brown an average would give. A fully
 * transparent image counts every pixel the same.
 */
export function dominantColour(rgba: Uint8Array): string {
  const weight = new Float64Array(4096);
  const sums = new Float64Array(4096 * 3);
  const opaque = rgba.some((_v, i) => i % 4 === 3 && rgba[i] > 0);
  for (let i = 0; i < rgba.length; i += 4) {
    const w = opaque ? rgba[i + 3] : 1;
    if (w === 0) continue;
    const bucket = ((rgba[i] >> 4) << 8) | ((rgba[i + 1] >> 4) << 4) | (rgba[i + 2] >> 4);
    weight[bucket] += w;
    sums[bucket * 3] += rgba[i] * w;
    sums[bucket * 3 + 1] += rgba[i + 1] * w;
    sums[bucket * 3 + 2] += rgba[i + 2] * w;
  }
  let best = 0;
  for (let b = 1; b < 4096; b++) if (weight[b] > weight[best]) best = b;
  if (weight[best] === 0) return "#000000";
  const hex = (c: number) =>
    Math.round(sums[best * 3 + c] / weight[best]).toString(16).padStart(2, "0");
  return `#${hex(0)}${hex(1)}${hex(2)}`;
}

function base64(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}
