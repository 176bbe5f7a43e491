import type { Rgba } from "../imaging/decode_pixels.ts";

/** Chroma subsampling: 4:2:0 halves chroma both ways (the default), 4:2:2 only across. */
export type Subsampling = "4:2:0" | "4:2:2";

/**
 * Baseline JPEG encoder in TypeScript: YCbCr, the IJG quality scale on the standard (Annex K)
 * quantisation tables, a float AAN forward DCT and Huffman tables optimised for each image. With
 * 4:2:0 that is libjpeg's default output with optimize_coding, which is what sharp writes by
 * default: the same size and PSNR at the same quality. (mozjpeg as built by @jsquash always
 * runs trellis quantisation, which its options cannot turn off; it was the slowest step of a
 * resize, at three times this one's time.) Alpha is ignored: the pipeline flattens before JPEG.
 *
 * The same pixels, quality and subsampling always give the same bytes.
 */
export function encodeBaselineJpeg(
  img: Rgba,
  quality: number,
  subsampling: Subsampling = "4:2:0",
): Uint8Array {
  const { width, height } = img;
  /** Luma blocks per MCU row: 2 for 4:2:0 (16×16 MCUs), 1 for 4:2:2 (16×8). */
  const v = subsampling === "4:2:0" ? 2 : 1;
  if (width < 1 || height < 1 || width > 0xffff || height > 0xffff) {
    throw new RangeError(`a JPEG cannot be ${width}x${height}`);
  }
  const q = Math.max(1, Math.min(100, Math.round(quality)));
  const lumaQ = scaledTable(LUMA_QUANT, q);
  const chromaQ = scaledTable(CHROMA_QUANT, q);
  const planes = toYCbCr(img, v);
  const mcuCols = planes.yWidth >> 4, mcuRows = planes.yHeight / (8 * v);
  const blocks = mcuCols * mcuRows * (2 * v + 2);
  const coefs = new Int16Array(blocks * 64);
  const stats = [
    new Int32Array(257),
    new Int32Array(257),
    new Int32Array(257),
    new Int32Array(257),
  ];
  transformAll(planes, mcuCols, mcuRows, v, divisors(lumaQ), divisors(chromaQ), coefs, stats);
  const tables = stats.map(optimalTable);
  return write(width, height, v, lumaQ, chromaQ, tables, coefs, blocks);
}

// Annex K tables, natural (row-major) order.
// deno-fmt-ignore
const LUMA_QUANT = [
  16, 11, 10, 16, 24, 40, 51, 61,
  12, 12, 14, 19, 26, 58, 60, 55,
  14, 13, 16, 24, 40, 57, 69, 56,
  14, 17, 22, 29, 51, 87, 80, 62,
  18, 22, 37, 56, 68, 109, 103, 77,
  24, 35, 55, 64, 81, 104, 113, 92,
  49, 64, 78, 87, 103, 121, 120, 101,
  72, 92, 95, 98, 112, 100, 103, 99,
];
// deno-fmt-ignore
const CHROMA_QUANT = [
  17, 18, 24, 47, 99, 99, 99, 99,
  18, 21, 26, 66, 99, 99, 99, 99,
  24, 26, 56, 99, 99, 99, 99, 99,
  47, 66, 99, 99, 99, 99, 99, 99,
  99, 99, 99, 99, 99, 99, 99, 99,
  99, 99, 99, 99, 99, 99, 99, 99,
  99, 99, 99, 99, 99, 99, 99, 99,
  99, 99, 99, 99, 99, 99, 99, 99,
];
/** ZIGZAG[i] is the natural index of the i-th coefficient in zigzag order. */
// deno-fmt-ignore
const ZIGZAG = new Uint8Array([
  0, 1, 8, 16, 9, 2, 3, 10,
  17, 24, 32, 25, 18, 11, 4, 5,
  12, 19, 26, 33, 40, 48, 41, 34,
  27, 20, 13, 6, 7, 14, 21, 28,
  35, 42, 49, 56, 57, 50, 43, 36,
  29, 22, 15, 23, 30, 37, 44, 51,
  58, 59, 52, 45, 38, 31, 39, 46,
  53, 60, 61, 54, 47, 55, 62, 63,
]);
// deno-fmt-ignore
const AAN_SCALE = [
  1.0, 1.387039845, 1.306562965, 1.175875602, 1.0, 0.785694958, 0.5411961, 0.275899379,
];

/** libjpeg's jpeg_quality_scaling and jpeg_add_quant_table with force_baseline. */
function scaledTable(base: number[], quality: number): Uint8Array {
  const scale = quality < 50 ? Math.floor(5000 / quality) : 200 - quality * 2;
  return Uint8Array.from(
    base,
    (v) => Math.max(1, Math.min(255, Math.floor((v * scale + 50) / 100))),
  );
}

/** What the float AAN DCT's output is multiplied by to quantise it (libjpeg's jcdctmgr). */
function divisors(table: Uint8Array): Float32Array {
  const out = new Float32Array(64);
  for (let row = 0; row < 8; row++) {
    for (let col = 0; col < 8; col++) {
      const i = row * 8 + col;
      out[i] = 1 / (table[i] * AAN_SCALE[row] * AAN_SCALE[col] * 8);
    }
  }
  return out;
}

type Planes = {
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
function toYCbCr(img: Rgba, v: number): Planes {
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

const block = new Float32Array(64);

/**
 * Forward DCT and quantisation of every block, in MCU order (2×`v` luma blocks, then Cb and Cr),
 * into `coefs` in zigzag order; counts the Huffman symbols each table will code on the way.
 */
function transformAll(
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
        lastY = count(coefs, at, lastY, dcLuma, acLuma);
        at += 64;
      }
      const cAt = (my * 8) * cWidth + mx * 8;
      fdctQuantise(p.cb, cAt, cWidth, chromaDiv, coefs, at);
      lastCb = count(coefs, at, lastCb, dcChroma, acChroma);
      at += 64;
      fdctQuantise(p.cr, cAt, cWidth, chromaDiv, coefs, at);
      lastCr = count(coefs, at, lastCr, dcChroma, acChroma);
      at += 64;
    }
  }
}

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
  for (let r = 0, s = from, o = 0; r < 8; r++, s += stride, o += 8) {
    const p0 = plane[s] - 128, p1 = plane[s + 1] - 128, p2 = plane[s + 2] - 128;
    const p3 = plane[s + 3] - 128, p4 = plane[s + 4] - 128, p5 = plane[s + 5] - 128;
    const p6 = plane[s + 6] - 128, p7 = plane[s + 7] - 128;
    const t0 = p0 + p7, t7 = p0 - p7, t1 = p1 + p6, t6 = p1 - p6;
    const t2 = p2 + p5, t5 = p2 - p5, t3 = p3 + p4, t4 = p3 - p4;
    const t10 = t0 + t3, t13 = t0 - t3, t11 = t1 + t2, t12 = t1 - t2;
    d[o] = t10 + t11;
    d[o + 4] = t10 - t11;
    const z1 = (t12 + t13) * 0.707106781;
    d[o + 2] = t13 + z1;
    d[o + 6] = t13 - z1;
    const u10 = t4 + t5, u11 = t5 + t6, u12 = t6 + t7;
    const z5 = (u10 - u12) * 0.382683433;
    const z2 = 0.5411961 * u10 + z5;
    const z4 = 1.306562965 * u12 + z5;
    const z3 = u11 * 0.707106781;
    const z11 = t7 + z3, z13 = t7 - z3;
    d[o + 5] = z13 + z2;
    d[o + 3] = z13 - z2;
    d[o + 1] = z11 + z4;
    d[o + 7] = z11 - z4;
  }
  for (let c = 0; c < 8; c++) {
    const t0 = d[c] + d[c + 56], t7 = d[c] - d[c + 56];
    const t1 = d[c + 8] + d[c + 48], t6 = d[c + 8] - d[c + 48];
    const t2 = d[c + 16] + d[c + 40], t5 = d[c + 16] - d[c + 40];
    const t3 = d[c + 24] + d[c + 32], t4 = d[c + 24] - d[c + 32];
    const t10 = t0 + t3, t13 = t0 - t3, t11 = t1 + t2, t12 = t1 - t2;
    d[c] = t10 + t11;
    d[c + 32] = t10 - t11;
    const z1 = (t12 + t13) * 0.707106781;
    d[c + 16] = t13 + z1;
    d[c + 48] = t13 - z1;
    const u10 = t4 + t5, u11 = t5 + t6, u12 = t6 + t7;
    const z5 = (u10 - u12) * 0.382683433;
    const z2 = 0.5411961 * u10 + z5;
    const z4 = 1.306562965 * u12 + z5;
    const z3 = u11 * 0.707106781;
    const z11 = t7 + z3, z13 = t7 - z3;
    d[c + 40] = z13 + z2;
    d[c + 24] = z13 - z2;
    d[c + 8] = z11 + z4;
    d[c + 56] = z11 - z4;
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

/** Bits needed for |v| (JPEG's magnitude category); 0 for 0. */
const category = (v: number) => 32 - Math.clz32(v < 0 ? -v : v);

/** Adds one block's symbols to its tables' counts; returns its DC for the next difference. */
function count(coefs: Int16Array, at: number, lastDc: number, dc: Int32Array, ac: Int32Array) {
  const value = coefs[at];
  dc[category(value - lastDc)]++;
  let run = 0;
  for (let i = 1; i < 64; i++) {
    const v = coefs[at + i];
    if (v === 0) {
      run++;
      continue;
    }
    while (run > 15) {
      ac[0xf0]++;
      run -= 16;
    }
    ac[(run << 4) | category(v)]++;
    run = 0;
  }
  if (run > 0) ac[0]++;
  return value;
}

type Table = {
  /** DHT payload: 16 code-length counts, then the symbols. */
  bits: Uint8Array;
  values: Uint8Array;
  code: Int32Array;
  size: Int32Array;
};

/** libjpeg's jpeg_gen_optimal_table, then the canonical codes (jpeg_make_c_derived_tbl). */
function optimalTable(freqIn: Int32Array): Table {
  const freq = Int32Array.from(freqIn);
  freq[256] = 1; // a reserved symbol, so that no code is all ones
  const codesize = new Int32Array(257);
  const others = new Int32Array(257).fill(-1);
  for (;;) {
    // The two least frequent symbols; on ties the larger symbol number.
    let c1 = -1, v1 = Infinity;
    for (let i = 0; i <= 256; i++) if (freq[i] && freq[i] <= v1) (v1 = freq[i], c1 = i);
    let c2 = -1, v2 = Infinity;
    for (let i = 0; i <= 256; i++) {
      if (freq[i] && freq[i] <= v2 && i !== c1) (v2 = freq[i], c2 = i);
    }
    if (c2 < 0) break;
    freq[c1] += freq[c2];
    freq[c2] = 0;
    codesize[c1]++;
    while (others[c1] >= 0) codesize[c1 = others[c1]]++;
    others[c1] = c2;
    codesize[c2]++;
    while (others[c2] >= 0) codesize[c2 = others[c2]]++;
  }
  const bits = new Int32Array(33);
  for (let i = 0; i <= 256; i++) if (codesize[i]) bits[codesize[i]]++;
  // Baseline allows 16 bits at most: move the longest codes up the tree (JPEG K.3).
  for (let i = 32; i > 16; i--) {
    while (bits[i] > 0) {
      let j = i - 2;
      while (bits[j] === 0) j--;
      bits[i] -= 2;
      bits[i - 1]++;
      bits[j + 1] += 2;
      bits[j]--;
    }
  }
  let longest = 16;
  while (bits[longest] === 0) longest--;
  bits[longest]--; // drop the reserved symbol's code
  const values: number[] = [];
  for (let len = 1; len <= 32; len++) {
    for (let s = 0; s < 256; s++) if (codesize[s] === len) values.push(s);
  }
  const counts = Uint8Array.from(bits.subarray(1, 17));
  const code = new Int32Array(256), size = new Int32Array(256);
  let next = 0, k = 0;
  for (let len = 1; len <= 16; len++, next <<= 1) {
    for (let n = 0; n < counts[len - 1]; n++, k++) {
      code[values[k]] = next++;
      size[values[k]] = len;
    }
  }
  return { bits: counts, values: Uint8Array.from(values.slice(0, k)), code, size };
}

/** Growable byte output with JPEG's bit packing (0xFF is followed by a stuffed 0x00). */
class Writer {
  buf: Uint8Array;
  at = 0;
  #acc = 0;
  #bits = 0;

  constructor(capacity: number) {
    this.buf = new Uint8Array(capacity);
  }

  reserve(n: number) {
    if (this.at + n <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.at + n));
    grown.set(this.buf.subarray(0, this.at));
    this.buf = grown;
  }

  bytes(b: ArrayLike<number>) {
    this.reserve(b.length);
    this.buf.set(b, this.at);
    this.at += b.length;
  }

  /** `n` ≤ 16 bits of `v`, most significant first. */
  put(v: number, n: number) {
    const acc = (this.#acc << n) | (v & ((1 << n) - 1));
    let bits = this.#bits + n;
    const buf = this.buf;
    while (bits >= 8) {
      bits -= 8;
      const byte = (acc >> bits) & 0xff;
      buf[this.at++] = byte;
      if (byte === 0xff) buf[this.at++] = 0;
    }
    this.#acc = acc & ((1 << bits) - 1);
    this.#bits = bits;
  }

  /** Pads the last byte with 1 bits. */
  flush() {
    if (this.#bits > 0) this.put(0x7f, 8 - this.#bits);
  }
}

function segment(w: Writer, marker: number, payload: ArrayLike<number>) {
  const length = payload.length + 2;
  w.bytes([0xff, marker, length >> 8, length & 0xff]);
  w.bytes(payload);
}

function write(
  width: number,
  height: number,
  v: number,
  lumaQ: Uint8Array,
  chromaQ: Uint8Array,
  [dcLuma, acLuma, dcChroma, acChroma]: Table[],
  coefs: Int16Array,
  blocks: number,
): Uint8Array {
  const w = new Writer(Math.max(4096, coefs.length >> 2));
  w.bytes([0xff, 0xd8]);
  // JFIF 1.01, no units, 1:1 pixels, no thumbnail: what libjpeg writes.
  segment(w, 0xe0, [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  const dqt = [
    0,
    ...Array.from(ZIGZAG, (n) => lumaQ[n]),
    1,
    ...Array.from(ZIGZAG, (n) => chromaQ[n]),
  ];
  segment(w, 0xdb, dqt);
  // SOF0: precision, height, width, then id, sampling (h << 4 | v) and table per component.
  // deno-fmt-ignore
  segment(w, 0xc0, [
    8, height >> 8, height & 0xff, width >> 8, width & 0xff, 3,
    1, 0x20 | v, 0, 2, 0x11, 1, 3, 0x11, 1,
  ]);
  const dht: number[] = [];
  for (
    const [id, t] of [[0x00, dcLuma], [0x10, acLuma], [0x01, dcChroma], [0x11, acChroma]] as const
  ) {
    dht.push(id, ...t.bits, ...t.values);
  }
  segment(w, 0xc4, dht);
  segment(w, 0xda, [3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0]);
  let lastY = 0, lastCb = 0, lastCr = 0;
  for (let b = 0, at = 0; b < blocks; b++, at += 64) {
    // Worst case per block: 64 codes of 16 bits and values of 11, every byte stuffed.
    w.reserve(512);
    const k = b % (2 * v + 2);
    if (k < 2 * v) lastY = emit(w, coefs, at, lastY, dcLuma, acLuma);
    else if (k === 2 * v) lastCb = emit(w, coefs, at, lastCb, dcChroma, acChroma);
    else lastCr = emit(w, coefs, at, lastCr, dcChroma, acChroma);
  }
  w.flush();
  w.bytes([0xff, 0xd9]);
  return w.buf.slice(0, w.at);
}

function emit(w: Writer, coefs: Int16Array, at: number, lastDc: number, dc: Table, ac: Table) {
  const value = coefs[at];
  const diff = value - lastDc;
  const n = category(diff);
  w.put(dc.code[n], dc.size[n]);
  if (n) w.put(diff < 0 ? diff - 1 : diff, n);
  let run = 0;
  for (let i = 1; i < 64; i++) {
    const v = coefs[at + i];
    if (v === 0) {
      run++;
      continue;
    }
    while (run > 15) {
      w.put(ac.code[0xf0], ac.size[0xf0]);
      run -= 16;
    }
    const m = category(v);
    const symbol = (run << 4) | m;
    w.put(ac.code[symbol], ac.size[symbol]);
    w.put(v < 0 ? v - 1 : v, m);
    run = 0;
  }
  if (run > 0) w.put(ac.code[0], ac.size[0]);
  return value;
}
