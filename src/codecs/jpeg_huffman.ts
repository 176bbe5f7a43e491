import type { BitWriter } from "./jpeg_bit_writer.ts";

/*
 * Huffman coding of quantised blocks: a first pass counts the symbols each table will code, the
 * tables are built from those counts, and a second pass writes the codes. The two passes walk a
 * block alike but stay two loops: one walk calling back per symbol made the encoder 14% slower.
 */

/** Bits needed for |v| (JPEG's magnitude category); 0 for 0. */
const category = (v: number) => 32 - Math.clz32(v < 0 ? -v : v);

/** Adds one block's symbols to its tables' counts; returns its DC for the next difference. */
export function countSymbols(
  coefs: Int16Array,
  at: number,
  lastDc: number,
  dc: Int32Array,
  ac: Int32Array,
) {
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

export type HuffmanTable = {
  /** DHT payload: 16 code-length counts, then the symbols. */
  bits: Uint8Array;
  values: Uint8Array;
  code: Int32Array;
  size: Int32Array;
};

/** libjpeg's jpeg_gen_optimal_table, then the canonical codes (jpeg_make_c_derived_tbl). */
export function optimalTable(freqIn: Int32Array): HuffmanTable {
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

/** Writes one block's codes; returns its DC for the next difference. */
export function emitBlock(
  w: BitWriter,
  coefs: Int16Array,
  at: number,
  lastDc: number,
  dc: HuffmanTable,
  ac: HuffmanTable,
) {
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
