import { u16be } from "./bytes.ts";

const EOI = 0xd9, SOS = 0xda, TEM = 0x01;

/** One marker segment: its marker byte, the offset of its 0xFF and the offset past its payload. */
export type JpegSegment = { marker: number; start: number; end: number };

/**
 * The marker segments from offset 2 (after an SOI it does not check) to the first scan, in file
 * order. Fill bytes and the markers without a length (TEM, RSTn) are stepped over. Stops quietly, keeping what it found, at
 * anything malformed: judging the file is readJpegHeader's job, and this walk only finds the
 * segments that metadata edits touch.
 */
export function jpegSegments(jpeg: Uint8Array): JpegSegment[] {
  const found: JpegSegment[] = [];
  for (let o = 2; o + 4 <= jpeg.length && jpeg[o] === 0xff;) {
    const marker = jpeg[o + 1];
    if (marker === SOS || marker === EOI) break;
    if (marker === 0xff || marker === TEM || (marker >= 0xd0 && marker <= 0xd7)) {
      o += marker === 0xff ? 1 : 2;
      continue;
    }
    const end = o + 2 + u16be(jpeg, o + 2);
    if (end > jpeg.length) break;
    found.push({ marker, start: o, end });
    o = end;
  }
  return found;
}
