import { hasAscii, u16be, u32be, u32le } from "../codecs/mod.ts";

/*
 * Where each format's image ends. Bytes after that point are what makes a polyglot (an image
 * that is also an HTML page, a zip, a script): no decoder reads them, so ingest drops them.
 * Each function returns null when the structure ends early or is malformed; the decoder then
 * judges the file as it is.
 */

const SOS = 0xda, EOI = 0xd9;

/**
 * JPEG: the EOI marker that follows the last scan. The entropy-coded data after each SOS is
 * scanned for the next real marker (0xFF not followed by a stuffed 0x00, an RST or a fill byte);
 * segments are skipped by their lengths, so an EOI inside an EXIF thumbnail is never taken.
 * A JPEG's MPF extras (gain maps, depth maps) sit after the first image's EOI and go too.
 */
export function jpegEnd(b: Uint8Array): number | null {
  let o = 2;
  for (;;) {
    if (o + 2 > b.length || b[o] !== 0xff) return null;
    const marker = b[o + 1];
    if (marker === 0xff) {
      o++; // fill byte before a marker
      continue;
    }
    if (marker === EOI) return o + 2;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      o += 2;
      continue;
    }
    if (o + 4 > b.length) return null;
    const end = o + 2 + u16be(b, o + 2);
    if (marker !== SOS) {
      o = end;
      continue;
    }
    o = scanEntropyData(b, end);
    if (o < 0) return null;
  }
}

function scanEntropyData(b: Uint8Array, from: number): number {
  for (let i = b.indexOf(0xff, from); i >= 0 && i + 1 < b.length; i = b.indexOf(0xff, i + 1)) {
    const next = b[i + 1];
    if (next === 0x00 || next === 0xff || (next >= 0xd0 && next <= 0xd7)) continue;
    return i;
  }
  return -1;
}

/** PNG: just past the IEND chunk's CRC. */
export function pngEnd(b: Uint8Array): number | null {
  for (let o = 8; o + 12 <= b.length;) {
    const next = o + 12 + u32be(b, o);
    if (hasAscii(b, o + 4, "IEND")) return next <= b.length ? next : null;
    o = next;
  }
  return null;
}

/** RIFF (WebP): the size in the header, padded to even; null when the file is shorter. */
export function riffEnd(b: Uint8Array): number | null {
  if (b.length < 12) return null;
  const size = u32le(b, 4);
  const end = 8 + size + (size & 1);
  if (end <= b.length) return end;
  // Some writers omit the pad byte of an odd-sized last chunk.
  return 8 + size === b.length ? b.length : null;
}

/**
 * ISO-BMFF (AVIF): the end of the last top-level box that fits. A trailing payload shows up as a
 * "box" whose size overruns the file or whose type is not printable; a valid file has none.
 */
export function isoBmffEnd(b: Uint8Array): number | null {
  let o = 0;
  while (o + 8 <= b.length) {
    let size = u32be(b, o);
    if (!isBoxType(b, o + 4)) break;
    if (size === 1) {
      if (o + 16 > b.length || u32be(b, o + 8) !== 0) break; // over 4 GiB: not an upload
      size = u32be(b, o + 12);
    } else if (size === 0) {
      return b.length; // "extends to the end of the file"
    }
    if (size < 8 || o + size > b.length) break;
    o += size;
  }
  return o === 0 ? null : o;
}

function isBoxType(b: Uint8Array, o: number): boolean {
  for (let i = o; i < o + 4; i++) if (b[i] < 0x20 || b[i] > 0x7e) return false;
  return true;
}
