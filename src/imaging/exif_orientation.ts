import { hasAscii, u16be, u16le } from "../codecs/mod.ts";
import { readTiffHeader } from "./tiff_header.ts";

const ORIENTATION_TAG = 0x0112;
const TYPE_SHORT = 3;

/**
 * Reads the Orientation tag (1–8) from IFD0 of a TIFF-structured EXIF block, the payload after
 * "Exif\0\0" in a JPEG APP1 segment or the whole of a PNG eXIf chunk. Metadata is advisory, so
 * anything malformed or missing means 1 (as stored) rather than a rejected upload.
 */
export function readOrientation(tiff: Uint8Array): number {
  const at = orientationValueAt(tiff);
  if (at === null) return 1;
  const value = (hasAscii(tiff, 0, "II") ? u16le : u16be)(tiff, at);
  return value >= 1 && value <= 8 ? value : 1;
}

/**
 * Sets Orientation to 1 in place, for pixels that were already turned upright (HEIF applies its
 * own rotation, and its Exif orientation is informational only).
 */
export function resetOrientationInPlace(tiff: Uint8Array): void {
  const at = orientationValueAt(tiff);
  if (at === null) return;
  const little = hasAscii(tiff, 0, "II");
  tiff[at] = little ? 1 : 0;
  tiff[at + 1] = little ? 0 : 1;
}

/** The offset of the Orientation SHORT in IFD0, or null. */
function orientationValueAt(tiff: Uint8Array): number | null {
  const header = readTiffHeader(tiff);
  if (!header) return null;
  const { u16, ifd0: ifd } = header;
  const count = u16(tiff, ifd);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > tiff.length) return null;
    if (u16(tiff, entry) !== ORIENTATION_TAG) continue;
    // A SHORT with count 1 sits in the first two bytes of the value field, in file byte order.
    return u16(tiff, entry + 2) === TYPE_SHORT ? entry + 8 : null;
  }
  return null;
}

/** Orientations 5–8 turn the image a quarter, so the displayed width is the stored height. */
export function swapsAxes(orientation: number): boolean {
  return orientation >= 5 && orientation <= 8;
}
