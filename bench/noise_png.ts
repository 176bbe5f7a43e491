/**
 * A valid, uncompressed RGB PNG of random pixels, written straight into one buffer: zlib with
 * stored deflate blocks (no compression, so the file is as large as its pixels), CRC-32 and
 * Adler-32 computed here. No codec or FFI is needed.
 */

const STORED_MAX = 65_535;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Writes one chunk (length, type, data, CRC) whose data is already at `at + 8`. */
function sealChunk(out: Uint8Array, at: number, type: string, length: number): number {
  const view = new DataView(out.buffer, out.byteOffset);
  view.setUint32(at, length);
  for (let i = 0; i < 4; i++) out[at + 4 + i] = type.charCodeAt(i);
  view.setUint32(at + 8 + length, crc32(out.subarray(at + 4, at + 8 + length)));
  return at + 12 + length;
}

/** The size `noisePng(width, height)` will have, to pick dimensions under a byte limit. */
export function noisePngSize(width: number, height: number): number {
  const raw = height * (1 + width * 3);
  const zlib = 2 + 5 * Math.ceil(raw / STORED_MAX) + raw + 4;
  return 8 + 25 + 12 + zlib + 12;
}

export function noisePng(width: number, height: number): Uint8Array {
  const stride = 1 + width * 3;
  const raw = height * stride;
  const blocks = Math.ceil(raw / STORED_MAX);
  const out = new Uint8Array(noisePngSize(width, height));
  const view = new DataView(out.buffer);

  out.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  // IHDR: 8-bit truecolour, deflate, filter method 0, no interlace.
  view.setUint32(16, width);
  view.setUint32(20, height);
  out.set([8, 2, 0, 0, 0], 24);
  let at = sealChunk(out, 8, "IHDR", 13);

  const idat = at;
  const zlib = idat + 8;
  out[zlib] = 0x78; // 32 KiB window, deflate
  out[zlib + 1] = 0x01; // no dictionary, fastest; (0x78 * 256 + 0x01) % 31 === 0
  let s1 = 1;
  let s2 = 0;
  let pos = zlib + 2;
  for (let b = 0; b < blocks; b++) {
    const start = b * STORED_MAX;
    const len = Math.min(STORED_MAX, raw - start);
    out[pos] = b === blocks - 1 ? 1 : 0; // BFINAL, BTYPE 00 (stored)
    view.setUint16(pos + 1, len, true);
    view.setUint16(pos + 3, ~len & 0xffff, true);
    const data = out.subarray(pos + 5, pos + 5 + len);
    crypto.getRandomValues(data);
    // Each scanline starts with its filter type: 0, none.
    for (let row = Math.ceil(start / stride) * stride; row < start + len; row += stride) {
      data[row - start] = 0;
    }
    for (let i = 0; i < len; i++) {
      s1 += data[i];
      s2 += s1;
      if ((i & 4095) === 4095) {
        s1 %= 65_521;
        s2 %= 65_521;
      }
    }
    s1 %= 65_521;
    s2 %= 65_521;
    pos += 5 + len;
  }
  view.setUint32(pos, ((s2 << 16) | s1) >>> 0);
  pos += 4;
  at = sealChunk(out, idat, "IDAT", pos - zlib);
  at = sealChunk(out, at, "IEND", 0);
  if (at !== out.length) throw new Error(`PNG writer wrote ${at} of ${out.length} bytes`);
  return out;
}

/** A tEXt chunk: spliced in before IEND it makes a copy of a PNG with its own content hash. */
export function textChunk(keyword: string, text: string): Uint8Array {
  const data = new TextEncoder().encode(`${keyword}\0${text}`);
  const out = new Uint8Array(12 + data.length);
  out.set(data, 8);
  sealChunk(out, 0, "tEXt", data.length);
  return out;
}

/** Where the IEND chunk of a PNG that `noisePng` wrote starts (it is always the last 12 bytes). */
export const iendOffset = (png: Uint8Array) => png.length - 12;
