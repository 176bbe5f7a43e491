import { hasAscii, u16le, u32le } from "./bytes.ts";
import { invalidImage } from "./errors.ts";

export const BI_RGB = 0, BI_RLE8 = 1, BI_RLE4 = 2, BI_BITFIELDS = 3, BI_ALPHABITFIELDS = 6;

export type BmpHeader = {
  width: number;
  height: number;
  /** Rows are stored top row first (negative height in the header). */
  topDown: boolean;
  bitsPerPixel: 1 | 2 | 4 | 8 | 16 | 24 | 32;
  compression: number;
  /** Red, green, blue and alpha masks; for 16 and 32 bits per pixel. Alpha 0 means none. */
  masks: [number, number, number, number];
  /** BGRA entries, for 8 bits per pixel and fewer. */
  palette: Uint8Array;
  /** Where the pixel array starts. */
  pixels: number;
};

const BPP = new Set([1, 2, 4, 8, 16, 24, 32]);
const i32le = (b: Uint8Array, o: number) => u32le(b, o) | 0;

/**
 * The file and DIB headers (core, OS/2 and INFO through V5), read without touching the pixels.
 * Throws invalid_image on anything that cannot be a BMP ingest can decode.
 */
export function readBmpHeader(b: Uint8Array): BmpHeader {
  const bad = (reason: string) => invalidImage("bmp", reason);
  if (!hasAscii(b, 0, "BM") || b.length < 26) throw bad("the file ends inside its header");
  const dibSize = u32le(b, 14);
  if (b.length < 14 + dibSize) throw bad("the file ends inside its header");
  const core = dibSize === 12;
  const width = core ? u16le(b, 18) : i32le(b, 18);
  const rawHeight = core ? u16le(b, 20) : i32le(b, 22);
  const bitsPerPixel = u16le(b, core ? 24 : 28);
  const compression = core || dibSize < 20 ? BI_RGB : u32le(b, 30);
  if (width <= 0 || rawHeight === 0 || rawHeight === -0x80000000) {
    throw bad("its width or height is zero or negative");
  }
  if (!BPP.has(bitsPerPixel)) throw bad(`${bitsPerPixel} bits per pixel is not a BMP depth`);
  const supported = compression === BI_RGB ||
    (compression === BI_RLE8 && bitsPerPixel === 8) ||
    (compression === BI_RLE4 && bitsPerPixel === 4) ||
    ((compression === BI_BITFIELDS || compression === BI_ALPHABITFIELDS) &&
      (bitsPerPixel === 16 || bitsPerPixel === 32));
  if (!supported) throw bad(`its compression (${compression}) is not supported`);

  let masks: [number, number, number, number] = bitsPerPixel === 16
    ? [0x7c00, 0x03e0, 0x001f, 0] // 5-5-5, the default for 16 bits
    : [0xff0000, 0xff00, 0xff, 0];
  if (compression === BI_BITFIELDS || compression === BI_ALPHABITFIELDS) {
    // INFO headers put the masks right after themselves; V2 and later inside.
    const at = 14 + 40;
    const withAlpha = compression === BI_ALPHABITFIELDS || dibSize >= 56;
    if (b.length < at + (withAlpha ? 16 : 12)) throw bad("the file ends inside its colour masks");
    masks = [u32le(b, at), u32le(b, at + 4), u32le(b, at + 8), withAlpha ? u32le(b, at + 12) : 0];
  }
  // The fourth byte is "unused" in BI_RGB, yet many writers store alpha there; the decoder
  // treats an all-zero alpha plane as opaque.
  if (bitsPerPixel === 32 && compression === BI_RGB) masks[3] = 0xff000000;

  const masksInline = dibSize === 40 && compression === BI_BITFIELDS ? 12 : 0;
  const alphaMaskInline = dibSize === 40 && compression === BI_ALPHABITFIELDS ? 16 : 0;
  const paletteStart = 14 + dibSize + masksInline + alphaMaskInline;
  const palette = bitsPerPixel <= 8
    ? readPalette(b, paletteStart, core ? 3 : 4, core ? 0 : u32le(b, 46), bitsPerPixel)
    : new Uint8Array(0);
  const pixels = u32le(b, 10);
  if (pixels >= b.length) throw bad("it has no pixel data");
  return {
    width,
    height: Math.abs(rawHeight),
    topDown: rawHeight < 0,
    bitsPerPixel: bitsPerPixel as BmpHeader["bitsPerPixel"],
    compression,
    masks,
    palette,
    pixels,
  };
}

/** Always 2^bpp BGRA entries: indices past the stored palette read as opaque black. */
function readPalette(b: Uint8Array, at: number, entrySize: number, used: number, bpp: number) {
  const size = 1 << bpp;
  const count = Math.min(used === 0 ? size : used, size, Math.floor((b.length - at) / entrySize));
  const palette = new Uint8Array(size * 4);
  for (let i = 0; i < size; i++) palette[i * 4 + 3] = 255;
  for (let i = 0; i < count; i++) {
    palette.set(b.subarray(at + i * entrySize, at + i * entrySize + 3), i * 4);
  }
  return palette;
}
