import { hasAscii, u32be } from "../codecs/mod.ts";
import { invalidImage } from "../codecs/mod.ts";
import { readOrientation } from "./exif_orientation.ts";
import type { RasterHeader } from "./header.ts";

const SIGNATURE = "\x89PNG\r\n\x1a\n";
const MAX_DIMENSION = 2 ** 31 - 1; // PNG spec: larger values are invalid

/**
 * IHDR must be the first chunk and gives the size. The chunks before the first IDAT are walked
 * for eXIf, whose orientation browsers honour just as they do in JPEG.
 */
export function readPngHeader(b: Uint8Array): RasterHeader {
  const bad = (reason: string) => invalidImage("png", reason);
  if (!hasAscii(b, 0, SIGNATURE)) throw bad("it does not start with the PNG signature");
  if (!hasAscii(b, 12, "IHDR") || u32be(b, 8) !== 13) throw bad("the IHDR chunk is missing");
  if (b.length < 33) throw bad("the file ends inside the IHDR chunk");
  const width = u32be(b, 16), height = u32be(b, 20);
  if (width === 0 || height === 0) throw bad("its width or height is zero");
  if (width > MAX_DIMENSION || height > MAX_DIMENSION) throw bad("its width or height is too big");
  return { width, height, frames: 1, largestFramePixels: width * height, orientation: eXIf(b) };
}

function eXIf(b: Uint8Array): number {
  // Each chunk is length, type, data, CRC. Stop quietly at anything odd: the decoder judges.
  for (let o = 33; o + 8 <= b.length;) {
    const length = u32be(b, o);
    const data = o + 8;
    if (hasAscii(b, o + 4, "IDAT") || hasAscii(b, o + 4, "IEND")) return 1;
    if (data + length > b.length) return 1;
    if (hasAscii(b, o + 4, "eXIf")) return readOrientation(b.subarray(data, data + length));
    o = data + length + 4;
  }
  return 1;
}
