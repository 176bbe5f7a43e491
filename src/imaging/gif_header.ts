import { hasAscii, u16le } from "../codecs/mod.ts";
import { invalidImage } from "../codecs/mod.ts";
import type { RasterHeader } from "./header.ts";

const EXTENSION = 0x21, IMAGE = 0x2c, TRAILER = 0x3b;

/**
 * Walks the block structure to the trailer without decompressing anything, so frame limits are
 * enforced before the decoder allocates a buffer per frame.
 */
export function readGifHeader(b: Uint8Array): RasterHeader {
  return walkGif(b).header;
}

/** The offset just past the trailer byte: anything after it is not part of the image. */
export function gifEnd(b: Uint8Array): number {
  return walkGif(b).end;
}

function walkGif(b: Uint8Array): { header: RasterHeader; end: number } {
  const bad = (reason: string) => invalidImage("gif", reason);
  const truncated = () => bad("the file ends before the trailer");
  if (!hasAscii(b, 0, "GIF87a") && !hasAscii(b, 0, "GIF89a")) {
    throw bad("it does not start with a GIF signature");
  }
  if (b.length < 13) throw truncated();
  const width = u16le(b, 6), height = u16le(b, 8);
  if (width === 0 || height === 0) throw bad("its width or height is zero");
  let o = 13 + colorTableSize(b[10]);
  let frames = 0;
  let largestFramePixels = width * height;

  const skipSubBlocks = () => {
    for (;;) {
      if (o >= b.length) throw truncated();
      const size = b[o++];
      if (size === 0) return;
      o += size;
    }
  };

  for (;;) {
    if (o >= b.length) throw truncated();
    const block = b[o];
    if (block === TRAILER) break;
    if (block === EXTENSION) {
      o += 2; // introducer and label
      skipSubBlocks();
    } else if (block === IMAGE) {
      if (o + 10 > b.length) throw truncated();
      const frameWidth = u16le(b, o + 5), frameHeight = u16le(b, o + 7);
      largestFramePixels = Math.max(largestFramePixels, frameWidth * frameHeight);
      o += 10 + colorTableSize(b[o + 9]) + 1; // descriptor, local table, LZW code size
      skipSubBlocks();
      frames++;
    } else {
      throw bad("it contains an unknown block");
    }
  }
  if (frames === 0) throw bad("it contains no image");
  return { header: { width, height, frames, largestFramePixels, orientation: 1 }, end: o + 1 };
}

// Global and local tables share the packed-field layout: a flag bit and a 3-bit size exponent.
function colorTableSize(packed: number): number {
  return packed & 0x80 ? 3 * 2 ** ((packed & 0x07) + 1) : 0;
}
