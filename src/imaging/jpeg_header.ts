import { hasAscii, u16be } from "../codecs/mod.ts";
import { invalidImage } from "../codecs/mod.ts";
import { readOrientation } from "./exif_orientation.ts";
import type { RasterHeader } from "./header.ts";

const SOI = 0xd8, EOI = 0xd9, SOS = 0xda, APP1 = 0xe1, TEM = 0x01;

// SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC), which share the range.
const isFrameHeader = (m: number) =>
  m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
// Markers without a length field.
const isStandalone = (m: number) => m === SOI || m === TEM || (m >= 0xd0 && m <= 0xd7);

/**
 * Walks the marker segments up to the first scan: the frame header gives the size, an Exif APP1
 * the orientation. The entropy-coded data after SOS is left to the decoder.
 */
export function readJpegHeader(b: Uint8Array): RasterHeader {
  const bad = (reason: string) => invalidImage("jpeg", reason);
  if (!(b[0] === 0xff && b[1] === SOI)) throw bad("it does not start with a JPEG marker");
  let size: { width: number; height: number } | null = null;
  let orientation = 0; // 0 = not seen yet: the first Exif block wins
  let o = 2;
  for (;;) {
    if (o + 2 > b.length) throw bad("the file ends before the image data");
    if (b[o] !== 0xff) throw bad("a marker segment is malformed");
    while (b[o + 1] === 0xff && o + 2 < b.length) o++; // fill bytes before a marker
    const marker = b[o + 1];
    o += 2;
    if (isStandalone(marker)) continue;
    if (marker === EOI) throw bad("it ends before any image data");
    if (marker === SOS) break;
    if (o + 2 > b.length) throw bad("the file ends before the image data");
    const length = u16be(b, o);
    const end = o + length;
    if (length < 2) throw bad("a marker segment is malformed");
    if (end > b.length) throw bad("the file ends before the image data");
    if (isFrameHeader(marker) && size === null) {
      if (length < 8) throw bad("the frame header is malformed");
      size = { height: u16be(b, o + 3), width: u16be(b, o + 5) };
    } else if (marker === APP1 && orientation === 0 && hasAscii(b, o + 2, "Exif\0\0")) {
      orientation = readOrientation(b.subarray(o + 8, end));
    }
    o = end;
  }
  if (size === null) throw bad("it has no frame header");
  // Height 0 defers it to a DNL marker after the first scan: legal, unused, and unsupported.
  if (size.width === 0 || size.height === 0) throw bad("its width or height is zero");
  return {
    ...size,
    frames: 1,
    largestFramePixels: size.width * size.height,
    orientation: orientation || 1,
  };
}
