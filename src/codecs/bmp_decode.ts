import { u16le, u32le } from "./bytes.ts";
import { BI_RLE4, BI_RLE8, type BmpHeader, readBmpHeader } from "./bmp_header.ts";
import { invalidImage } from "./errors.ts";
import type { Rgba } from "./rgba.ts";

/**
 * Decodes a BMP to RGBA: 1/2/4/8-bit palettes, RLE8 and RLE4, 16 and 32 bits with or without
 * bit fields, 24 bits. Callers check the header's size against the limits first (the output is
 * width × height × 4 bytes). Throws invalid_image when the pixel data is short.
 */
export function decodeBmp(b: Uint8Array, header: BmpHeader = readBmpHeader(b)): Rgba {
  const { width, height } = header;
  const out = new Uint8Array(width * height * 4);
  if (header.compression === BI_RLE8 || header.compression === BI_RLE4) {
    decodeRle(b, header, out);
  } else {
    decodeRows(b, header, out);
  }
  return { width, height, data: out };
}

function decodeRows(b: Uint8Array, h: BmpHeader, out: Uint8Array): void {
  const { width, height, bitsPerPixel: bpp, palette } = h;
  const stride = Math.floor((bpp * width + 31) / 32) * 4;
  if (h.pixels + stride * (height - 1) + Math.ceil((bpp * width) / 8) > b.length) {
    throw invalidImage("bmp", "the file ends inside its pixel data");
  }
  const channels = h.masks.map(channel);
  let alphaSeen = false;
  for (let y = 0; y < height; y++) {
    const row = h.pixels + (h.topDown ? y : height - 1 - y) * stride;
    let o = y * width * 4;
    for (let x = 0; x < width; x++, o += 4) {
      if (bpp <= 8) {
        const bit = x * bpp;
        const index = (b[row + (bit >> 3)] >> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1);
        out.set(palette.subarray(index * 4, index * 4 + 4), o);
        // Palette entries are BGRX.
        const blue = out[o];
        out[o] = out[o + 2];
        out[o + 2] = blue;
        out[o + 3] = 255;
      } else if (bpp === 24) {
        const p = row + x * 3;
        out[o] = b[p + 2], out[o + 1] = b[p + 1], out[o + 2] = b[p], out[o + 3] = 255;
      } else {
        const value = bpp === 16 ? u16le(b, row + x * 2) : u32le(b, row + x * 4);
        out[o] = channels[0](value), out[o + 1] = channels[1](value);
        out[o + 2] = channels[2](value);
        out[o + 3] = channels[3] === NO_ALPHA ? 255 : channels[3](value);
        if (out[o + 3] !== 0) alphaSeen = true;
      }
    }
  }
  // An alpha plane of zeros is a writer that left the "unused" byte empty, not an invisible image.
  if (bpp > 8 && channels[3] !== NO_ALPHA && !alphaSeen) {
    for (let i = 3; i < out.length; i += 4) out[i] = 255;
  }
}

const NO_ALPHA = () => 255;

/** Extracts a mask's bits and scales them to 0–255. */
function channel(mask: number): (value: number) => number {
  if (mask === 0) return NO_ALPHA;
  const shift = 31 - Math.clz32(mask & -mask);
  const max = mask >>> shift;
  return (value) => Math.round((((value & mask) >>> shift) * 255) / max);
}

/**
 * Run-length encoded rows, bottom-up. Pixels that a delta or an early end skips stay fully
 * transparent, as browsers show them.
 */
function decodeRle(b: Uint8Array, h: BmpHeader, out: Uint8Array): void {
  const { width, height, palette } = h;
  const four = h.compression === BI_RLE4;
  let x = 0, y = height - 1;
  const put = (index: number) => {
    if (x >= width || y < 0) return;
    const o = (y * width + x) * 4;
    const p = index * 4;
    out[o] = palette[p + 2], out[o + 1] = palette[p + 1], out[o + 2] = palette[p];
    out[o + 3] = 255;
    x++;
  };
  let o = h.pixels;
  while (o + 1 < b.length) {
    const count = b[o], value = b[o + 1];
    o += 2;
    if (count > 0) {
      for (let i = 0; i < count; i++) put(four ? (i & 1 ? value & 15 : value >> 4) : value);
    } else if (value === 0) {
      x = 0, y--; // end of line
    } else if (value === 1) {
      return; // end of bitmap
    } else if (value === 2) {
      if (o + 2 > b.length) break;
      x += b[o], y -= b[o + 1];
      o += 2;
    } else {
      // Absolute run of `value` indices, padded to a 16-bit boundary.
      const bytes = four ? Math.ceil(value / 2) : value;
      if (o + bytes > b.length) break;
      for (let i = 0; i < value; i++) {
        put(four ? (i & 1 ? b[o + (i >> 1)] & 15 : b[o + (i >> 1)] >> 4) : b[o + i]);
      }
      o += bytes + (bytes & 1);
    }
  }
  throw invalidImage("bmp", "its run-length data ends before the end-of-bitmap marker");
}
