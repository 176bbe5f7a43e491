import { countSymbols } from "./jpeg_huffman.ts";
import { ZIGZAG } from "./jpeg_quant_tables.ts";
import type { Planes } from "./jpeg_ycbcr.ts";

// deno-fmt-ignore
const AAN_SCALE = [
  1.0, 1.387039845, 1.306562965, 1.175875602, 1.0, 0.785694958, 0.5411961, 0.275899379,
];

/** What the float AAN DCT's output is multiplied by to quantise it (libjpeg's jcdctmgr). */
export function divisors(table: Uint8Array): Float32Array {
  const out = new Float32Array(64);
  for (let row = 0; row < 8; row++) {
    for (let col = 0; col < 8; col++) {
      const i = row * 8 + col;
      out[i] = 1 / (table[i] * AAN_SCALE[row] * AAN_SCALE[col] * 8);
    }
  }
  return out;
}

/**
 * Forward DCT and quantisation of every block, in MCU order (2×`v` luma blocks, then Cb and Cr),
 * into `coefs` in zigzag order; counts the Huffman symbols each table will code on the way.
 * It lives in one module with fdctQuantise because calling that across a module boundary made
 * the whole encoder about 4% slower.
 */
export function transformAll(
  p: Planes,
  mcuCols: number,
  mcuRows: number,
  v: number,
  lumaDiv: Float32Array,
  chromaDiv: Float32Array,
  coefs: Int16Array,
  [dcLuma, acLuma, dcChroma, acChroma]: Int32Array[],
) {
  const cWidth = p.yWidth >> 1;
  let at = 0, lastY = 0, lastCb = 0, lastCr = 0;
  for (let my = 0; my < mcuRows; my++) {
    for (let mx = 0; mx < mcuCols; mx++) {
      const yAt = (my * 8 * v) * p.yWidth + mx * 16;
      for (let k = 0; k < 2 * v; k++) {
        const from = yAt + (k >> 1) * 8 * p.yWidth + (k & 1) * 8;
        fdctQuantise(p.y, from, p.yWidth, lumaDiv, coefs, at);
        lastY = countSymbols(coefs, at, lastY, dcLuma, acLuma);
        at += 64;
      }
      const cAt = (my * 8) * cWidth + mx * 8;
      fdctQuantise(p.cb, cAt, cWidth, chromaDiv, coefs, at);
      lastCb = countSymbols(coefs, at, lastCb, dcChroma, acChroma);
      at += 64;
      fdctQuantise(p.cr, cAt, cWidth, chromaDiv, coefs, at);
      lastCr = countSymbols(coefs, at, lastCr, dcChroma, acChroma);
      at += 64;
    }
  }
}

const block = new Float32Array(64);

/** jfdctflt.c (AAN) on one 8×8 block of a plane, then quantised into zigzag order. */
function fdctQuantise(
  plane: Uint8Array,
  from: number,
  stride: number,
  div: Float32Array,
  out: Int16Array,
  at: number,
) {
  const d = block;
  // Rows from the level-shifted samples, then columns in place: a column's 8 values are all
  // read (as arguments) before any is overwritten.
  for (let r = 0, s = from, o = 0; r < 8; r++, s += stride, o += 8) {
    // deno-fmt-ignore
    butterfly(d, o, 1,
      plane[s] - 128, plane[s + 1] - 128, plane[s + 2] - 128, plane[s + 3] - 128,
      plane[s + 4] - 128, plane[s + 5] - 128, plane[s + 6] - 128, plane[s + 7] - 128);
  }
  for (let c = 0; c < 8; c++) {
    // deno-fmt-ignore
    butterfly(d, c, 8,
      d[c], d[c + 8], d[c + 16], d[c + 24], d[c + 32], d[c + 40], d[c + 48], d[c + 56]);
  }
  // Rounded half up, as libjpeg's float quantiser does. 8-bit samples keep the DC within
  // -1024…1016 and the AC within ±1023; the clamps only guard float rounding, so that every
  // difference and value fits baseline's 11 and 10 bits.
  const dc = Math.floor(d[0] * div[0] + 0.5);
  out[at] = dc < -1024 ? -1024 : dc > 1023 ? 1023 : dc;
  for (let i = 1; i < 64; i++) {
    const n = ZIGZAG[i];
    const v = Math.floor(d[n] * div[n] + 0.5);
    out[at + i] = v < -1023 ? -1023 : v > 1023 ? 1023 : v;
  }
}

/**
 * One 1-D pass of the AAN butterfly on `x0`…`x7`, written to the 8 values `step` apart from `o`:
 * a row with step 1, a column with step 8.
 */
function butterfly(
  d: Float32Array,
  o: number,
  step: number,
  x0: number,
  x1: number,
  x2: number,
  x3: number,
  x4: number,
  x5: number,
  x6: number,
  x7: number,
) {
  const t0 = x0 + x7, t7 = x0 - x7, t1 = x1 + x6, t6 = x1 - x6;
  const t2 = x2 + x5, t5 = x2 - x5, t3 = x3 + x4, t4 = x3 - x4;
  const t10 = t0 + t3, t13 = t0 - t3, t11 = t1 + t2, t12 = t1 - t2;
  d[o] = t10 + t11;
  d[o + 4 * step] = t10 - t11;
  const z1 = (t12 + t13) * 0.707106781;
  d[o + 2 * step] = t13 + z1;
  d[o + 6 * step] = t13 - z1;
  const u10 = t4 + t5, u11 = t5 + t6, u12 = t6 + t7;
  const z5 = (u10 - u12) * 0.382683433;
  const z2 = 0.5411961 * u10 + z5;
  const z4 = 1.306562965 * u12 + z5;
  const z3 = u11 * 0.707106781;
  const z11 = t7 + z3, z13 = t7 - z3;
  d[o + 5 * step] = z13 + z2;
  d[o + 3 * step] = z13 - z2;
  d[o + step] = z11 + z4;
  d[o + 7 * step] = z11 - z4;
}
