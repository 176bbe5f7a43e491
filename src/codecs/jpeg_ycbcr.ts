import type { Rgba } from "./rgba.ts";

export type Planes = {
  y: Uint8Array;
  cb: Uint8Array;
  cr: Uint8Array;
  /** Luma plane size: the image padded to whole MCUs by repeating its last column and row. */
  yWidth: number;
  yHeight: number;
};

// libjpeg's fixed-point RGB -> YCbCr (jccolor.c), 16 fractional bits.
const FIX = (x: number) => Math.round(x * 65536);
const Y_R = FIX(0.299), Y_G = FIX(0.587), Y_B = FIX(0.114);
const CB_R = FIX(0.16874), CB_G = FIX(0.33126), HALF = FIX(0.5);
const CR_G = FIX(0.41869), CR_B = FIX(0.08131);

/**
 * Luma at full size; chroma averaged over each 2×`v` cell, from the summed RGB of the cell (the
 * conversion is linear, so this equals converting first and averaging after). A 4:2:2 cell's
 * one row is counted twice, so the sums have the same scale.
 */
export function toYCbCr(img: Rgba, v: number): Planes {
  const { width: w, height: h, data } = img;
  const yWidth = (w + 15) & ~15, yHeight = v === 2 ? (h + 15) & ~15 : (h + 7) & ~7;
  const y = new Uint8Array(yWidth * yHeight);
  for (let row = 0; row < h; row++) {
    let s = row * w * 4;
    const o = row * yWidth;
    for (let x = 0; x < w; x++, s += 4) {
      y[o + x] = (Y_R * data[s] + Y_G * data[s + 1] + Y_B * data[s + 2] + 32768) >> 16;
    }
    y.fill(y[o + w - 1], o + w, o + yWidth);
  }
  for (let row = h; row < yHeight; row++) y.copyWithin(row * yWidth, (h - 1) * yWidth, h * yWidth);

  const cWidth = yWidth >> 1, cHeight = yHeight / v;
  const cb = new Uint8Array(cWidth * cHeight), cr = new Uint8Array(cWidth * cHeight);
  // Byte offsets of the two source columns of each chroma column, clamped to the image.
  const x0 = new Int32Array(cWidth), x1 = new Int32Array(cWidth);
  for (let cx = 0; cx < cWidth; cx++) {
    x0[cx] = Math.min(2 * cx, w - 1) * 4;
    x1[cx] = Math.min(2 * cx + 1, w - 1) * 4;
  }
  const round = 1 << 17, offset = 128 << 18;
  for (let cy = 0; cy < cHeight; cy++) {
    const r0 = Math.min(v * cy, h - 1) * w * 4, r1 = Math.min(v * cy + v - 1, h - 1) * w * 4;
    const o = cy * cWidth;
    for (let cx = 0; cx < cWidth; cx++) {
      const a = r0 + x0[cx], b = r0 + x1[cx], c = r1 + x0[cx], d = r1 + x1[cx];
      const red = data[a] + data[b] + data[c] + data[d];
      const green = data[a + 1] + data[b + 1] + data[c + 1] + data[d + 1];
      const blue = data[a + 2] + data[b + 2] + data[c + 2] + data[d + 2];
      cb[o + cx] = (HALF * blue - CB_R * red - CB_G * green + offset + round - 1) >> 18;
      cr[o + cx] = (HALF * red - CR_G * green - CR_B * blue + offset + round - 1) >> 18;
    }
  }
  return { y, cb, cr, yWidth, yHeight };
}
