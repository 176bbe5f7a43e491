import { hasAscii, u16be, u16le, u32be, u32le } from "./bytes.ts";

const ORIENTATION_TAG = 0x0112;
const TYPE_SHORT = 3;

/**
 * Reads the Orientation tag (1–8) from IFD0 of a TIFF-structured EXIF block, the payload after
 * "Exif\0\0" in a JPEG APP1 segment or the whole of a PNG eXIf chunk. Metadata is advisory, so
 * anything malformed or missing means 1 (as stored) rather than a rejected upload.
 */
export function readOrientation(tiff: Uint8Array): number {
  const little = hasAscii(tiff, 0, "II");
  if (!little && !hasAscii(tiff, 0, "MM")) return 1;
  const u16 = little ? u16le : u16be;
  const u32 = little ? u32le : u32be;
  if (tiff.length < 8 || u16(tiff, 2) !== 42) return 1;
  const ifd = u32(tiff, 4);
  if (ifd + 2 > tiff.length) return 1;
  const count = u16(tiff, ifd);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > tiff.length) return 1;
    if (u16(tiff, entry) !== ORIENTATION_TAG) continue;
    // A SHORT with count 1 sits in the first two bytes of the value field, in file byte order.
    if (u16(tiff, entry + 2) !== TYPE_SHORT) return 1;
    const value = u16(tiff, entry + 8);
    return value >= 1 && value <= 8 ? value : 1;
  }
  return 1;
}

/** Orientations 5–8 turn the image a quarter, so the displayed width is the stored height. */
export function swapsAxes(orientation: number): boolean {
  return orientation >= 5 && orientation <= 8;
}
