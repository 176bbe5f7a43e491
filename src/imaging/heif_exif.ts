import { stripGpsInPlace } from "./exif_gps.ts";
import { resetOrientationInPlace } from "./exif_orientation.ts";
import { exifItemExtents, exifItemTiffStart, gather } from "./isobmff.ts";

const EXIF_ID = [0x45, 0x78, 0x69, 0x66, 0, 0]; // "Exif\0\0"
const MAX_SEGMENT = 0xffff - 2;

/**
 * The HEIF's Exif item as a JPEG APP1 segment, so that a HEIC converted to JPEG keeps its
 * Artist, Copyright, camera and date tags: less GPS, and with Orientation set to 1 because
 * libheif already turned the pixels upright. Null when there is none, or when it would not fit
 * one segment (64 KiB).
 */
export function heifExifSegment(heif: Uint8Array): Uint8Array | null {
  const extents = exifItemExtents(heif);
  if (!extents) return null;
  const item = gather(heif, extents);
  const start = exifItemTiffStart(item);
  if (start === null) return null;
  const tiff = item.subarray(start);
  if (tiff.length + EXIF_ID.length > MAX_SEGMENT) return null;
  stripGpsInPlace(tiff);
  resetOrientationInPlace(tiff);
  const length = 2 + EXIF_ID.length + tiff.length;
  const segment = new Uint8Array(2 + length);
  segment.set([0xff, 0xe1, length >> 8, length & 0xff, ...EXIF_ID]);
  segment.set(tiff, 4 + EXIF_ID.length);
  return segment;
}

/** Inserts a segment after SOI and the JFIF APP0 that mozjpeg writes, where readers expect EXIF. */
export function insertAfterJfif(jpeg: Uint8Array, segment: Uint8Array): Uint8Array {
  let at = 2;
  if (jpeg[2] === 0xff && jpeg[3] === 0xe0) at = 4 + ((jpeg[4] << 8) | jpeg[5]);
  const out = new Uint8Array(jpeg.length + segment.length);
  out.set(jpeg.subarray(0, at));
  out.set(segment, at);
  out.set(jpeg.subarray(at), at + segment.length);
  return out;
}
