import { FORMATS, STORED_IDS, type StoredId } from "../formats/mod.ts";

/** The formats originals are stored in (SPEC §2); HEIC, BMP and ICO are converted to one of them. */
export type StoredFormat = StoredId;
export type StoredExtension = (typeof FORMATS)[StoredId]["extension"];

export const STORED_TYPES = Object.fromEntries(
  STORED_IDS.map((id) => [id, { extension: FORMATS[id].extension, mime: FORMATS[id].mime }]),
) as Record<StoredFormat, { extension: StoredExtension; mime: string }>;

/** What ingest hands to storage: exactly the bytes to keep, and what they are. */
export type Ingested = {
  /** Normalised, GPS-stripped, anything after the image's end dropped. */
  bytes: Uint8Array;
  format: StoredFormat;
  extension: StoredExtension;
  mime: string;
  /** As displayed, after EXIF orientation. */
  width: number;
  height: number;
  frames: number;
};

export function ingested(
  format: StoredFormat,
  bytes: Uint8Array,
  size: { width: number; height: number; frames?: number },
): Ingested {
  const { width, height, frames = 1 } = size;
  return { bytes, format, ...STORED_TYPES[format], width, height, frames };
}
