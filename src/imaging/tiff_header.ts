import { hasAscii, u16be, u16le, u32be, u32le } from "../codecs/mod.ts";

type Reader = (b: Uint8Array, o: number) => number;

/** A TIFF block's byte order, with readers in that order, and where IFD0 starts. */
export type TiffHeader = { little: boolean; u16: Reader; u32: Reader; ifd0: number };

/**
 * The header of a TIFF-structured Exif block; null when the byte order mark or the magic 42 is
 * wrong, or IFD0 starts past the end. Exif is advisory, so callers treat null as "no Exif".
 */
export function readTiffHeader(tiff: Uint8Array): TiffHeader | null {
  const little = hasAscii(tiff, 0, "II");
  if (!little && !hasAscii(tiff, 0, "MM")) return null;
  const u16 = little ? u16le : u16be;
  const u32 = little ? u32le : u32be;
  if (tiff.length < 8 || u16(tiff, 2) !== 42) return null;
  const ifd0 = u32(tiff, 4);
  if (ifd0 + 2 > tiff.length) return null;
  return { little, u16, u32, ifd0 };
}
