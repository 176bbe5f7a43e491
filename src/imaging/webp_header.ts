import { hasAscii, latin1, u16le, u32le } from "../codecs/mod.ts";
import { invalidImage } from "../codecs/mod.ts";

/** A RIFF chunk: its FourCC, where its payload starts, and the payload's length. */
type Chunk = { type: string; start: number; data: number; length: number };

export type WebpHeader = {
  /** The canvas (VP8X) or the bitstream's size. */
  width: number;
  height: number;
  /** ANMF frames; 1 for a still image. */
  frames: number;
  /** The largest buffer libwebp would allocate for what ingest decodes. */
  largestFramePixels: number;
  /** For an animation: the first frame, rebuilt as a still WebP of the frame's own size. */
  firstFrame: Uint8Array | null;
};

const u24le = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8) | (b[o + 2] << 16);
const ALPHA_FLAG = 0x10, ICC_FLAG = 0x20, EXIF_FLAG = 0x08;

/**
 * Reads sizes from the chunk headers and the bitstream headers (VP8 frame header, VP8L header)
 * without decoding. `b` must already end at the RIFF end (see riffEnd).
 */
export function readWebpHeader(b: Uint8Array): WebpHeader {
  const bad = (reason: string) => invalidImage("webp", reason);
  if (!hasAscii(b, 0, "RIFF") || !hasAscii(b, 8, "WEBP")) throw bad("the RIFF header is missing");
  const chunks = readChunks(b, 12, b.length);
  const first = chunks[0];
  if (!first) throw bad("it has no image chunk");
  if (first.type === "VP8 " || first.type === "VP8L") {
    const size = bitstreamSize(b, first) ?? fail();
    return { ...size, frames: 1, largestFramePixels: size.width * size.height, firstFrame: null };
  }
  if (first.type !== "VP8X" || first.length < 10) throw bad("it has no image chunk");
  const canvas = { width: u24le(b, first.data + 4) + 1, height: u24le(b, first.data + 7) + 1 };
  const frames = chunks.filter((c) => c.type === "ANMF");
  if (frames.length === 0) {
    const image = chunks.find((c) => c.type === "VP8 " || c.type === "VP8L");
    const size = image ? bitstreamSize(b, image) : null;
    if (!size) throw bad("it has no image data");
    const largest = Math.max(canvas.width * canvas.height, size.width * size.height);
    return { ...canvas, frames: 1, largestFramePixels: largest, firstFrame: null };
  }
  const still = firstFrameAsStill(b, frames[0], chunks) ?? fail();
  return {
    ...canvas,
    frames: frames.length,
    largestFramePixels: Math.max(canvas.width * canvas.height, still.pixels),
    firstFrame: still.bytes,
  };

  function fail(): never {
    throw bad("an image header is malformed or truncated");
  }
}

function readChunks(b: Uint8Array, from: number, to: number): Chunk[] {
  const out: Chunk[] = [];
  for (let o = from; o + 8 <= to;) {
    const length = u32le(b, o + 4);
    if (o + 8 + length > to) {
      throw invalidImage("webp", "the file ends inside a chunk");
    }
    out.push({ type: latin1(b, o, 4), start: o, data: o + 8, length });
    o += 8 + length + (length & 1);
  }
  return out;
}

function bitstreamSize(b: Uint8Array, c: Chunk): { width: number; height: number } | null {
  const d = c.data;
  if (c.type === "VP8 ") {
    // Frame tag (3 bytes), start code 9d 01 2a, then 14-bit sizes with 2-bit scale.
    if (c.length < 10 || b[d + 3] !== 0x9d || b[d + 4] !== 0x01 || b[d + 5] !== 0x2a) return null;
    return nonZero(u16le(b, d + 6) & 0x3fff, u16le(b, d + 8) & 0x3fff);
  }
  if (c.length < 5 || b[d] !== 0x2f) return null;
  const bits = u32le(b, d + 1);
  return nonZero((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
}

const nonZero = (width: number, height: number) =>
  width > 0 && height > 0 ? { width, height } : null;

/**
 * The first ANMF frame's bitstream (with its ALPH chunk), wrapped in a VP8X file of the frame's
 * size, with the animation's ICC profile and EXIF. No pixel is re-encoded.
 */
function firstFrameAsStill(
  b: Uint8Array,
  anmf: Chunk,
  chunks: Chunk[],
): { bytes: Uint8Array; pixels: number } | null {
  if (anmf.length < 16) return null;
  const width = u24le(b, anmf.data + 6) + 1, height = u24le(b, anmf.data + 9) + 1;
  const inner = readChunks(b, anmf.data + 16, anmf.data + anmf.length);
  const image = inner.find((c) => c.type === "VP8 " || c.type === "VP8L");
  const alph = inner.find((c) => c.type === "ALPH");
  const size = image ? bitstreamSize(b, image) : null;
  if (!image || !size) return null;
  const icc = chunks.find((c) => c.type === "ICCP");
  const exif = chunks.find((c) => c.type === "EXIF");
  const hasAlpha = alph !== undefined ||
    (image.type === "VP8L" && (b[image.data + 4] & 0x10) !== 0);
  const flags = (icc ? ICC_FLAG : 0) | (hasAlpha ? ALPHA_FLAG : 0) | (exif ? EXIF_FLAG : 0);
  const vp8x = new Uint8Array(18);
  vp8x.set([0x56, 0x50, 0x38, 0x58, 10, 0, 0, 0, flags]);
  vp8x.set(u24(width - 1), 12);
  vp8x.set(u24(height - 1), 15);
  // The pad byte of an odd-sized chunk is written fresh: the input may end without it.
  const whole = (c: Chunk | undefined) =>
    c ? [b.subarray(c.start, c.data + c.length), new Uint8Array(c.length & 1)] : [];
  const body = [vp8x, ...whole(icc), ...whole(alph), ...whole(image), ...whole(exif)];
  const riffSize = 4 + body.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(8 + riffSize);
  out.set([0x52, 0x49, 0x46, 0x46, ...u32(riffSize), 0x57, 0x45, 0x42, 0x50]);
  let o = 12;
  for (const part of body) {
    out.set(part, o);
    o += part.length;
  }
  return { bytes: out, pixels: Math.max(width * height, size.width * size.height) };
}

const u24 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff];
const u32 = (n: number) => [...u24(n), (n >>> 24) & 0xff];
