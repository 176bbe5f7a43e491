import { readTiffHeader } from "./tiff_header.ts";

const GPS_IFD_POINTER = 0x8825;
// Bytes per value for TIFF field types 1–12; unknown types count as 1 so nothing is overrun.
const TYPE_SIZES = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8];
const ENTRY = 12;

/**
 * Removes GPS from a TIFF-structured EXIF block (an APP1 payload after "Exif\0\0", a PNG eXIf
 * chunk, a WebP EXIF chunk, an HEIF Exif item), in place and at the same length:
 * - the GPSInfo entry leaves IFD0 (later entries move up, the count drops by one);
 * - the GPS IFD and every value it points to are overwritten with zeros.
 * Nothing else moves, so every other offset in the block (Exif IFD, maker notes, the thumbnail)
 * stays valid, and the containers need no length fix-up. Returns whether anything changed.
 * Malformed blocks are left as they are: every read is bounds-checked and nothing throws.
 */
export function stripGpsInPlace(tiff: Uint8Array): boolean {
  const header = readTiffHeader(tiff);
  if (!header) return false;
  const { little, u16, u32, ifd0 } = header;

  let changed = false;
  // A crafted file may carry the pointer more than once; each pass removes one.
  for (let guard = 0; guard < 16; guard++) {
    const count = u16(tiff, ifd0);
    const entriesEnd = ifd0 + 2 + count * ENTRY;
    if (entriesEnd > tiff.length) return changed;
    let index = -1;
    for (let i = 0; i < count; i++) {
      if (u16(tiff, ifd0 + 2 + i * ENTRY) === GPS_IFD_POINTER) {
        index = i;
        break;
      }
    }
    if (index < 0) return changed;
    const gps = u32(tiff, ifd0 + 2 + index * ENTRY + 8);
    removeEntry(tiff, ifd0, count, index, little);
    zeroIfd(tiff, gps, u16, u32);
    changed = true;
  }
  return changed;
}

function removeEntry(
  tiff: Uint8Array,
  ifd: number,
  count: number,
  index: number,
  little: boolean,
): void {
  const entry = ifd + 2 + index * ENTRY;
  const entriesEnd = ifd + 2 + count * ENTRY;
  // The next-IFD offset (4 bytes) follows the entries and moves up with them, if it is there.
  const tail = Math.min(entriesEnd + 4, tiff.length);
  tiff.copyWithin(entry, entry + ENTRY, tail);
  tiff.fill(0, tail - ENTRY, tail);
  new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength).setUint16(ifd, count - 1, little);
}

function zeroIfd(
  tiff: Uint8Array,
  ifd: number,
  u16: (b: Uint8Array, o: number) => number,
  u32: (b: Uint8Array, o: number) => number,
): void {
  if (ifd < 8 || ifd + 2 > tiff.length) return;
  const count = u16(tiff, ifd);
  const end = Math.min(tiff.length, ifd + 2 + count * ENTRY + 4);
  for (let e = ifd + 2; e + ENTRY <= end; e += ENTRY) {
    const type = u16(tiff, e + 2);
    const size = (TYPE_SIZES[type] ?? 1) * u32(tiff, e + 4);
    // Values of four bytes or fewer sit in the entry itself and go with it below.
    if (size > 4) {
      const at = u32(tiff, e + 8);
      if (at >= 8 && at < tiff.length) tiff.fill(0, at, Math.min(tiff.length, at + size));
    }
  }
  tiff.fill(0, ifd, end);
}
