/** The formats originals are stored in (SPEC §2); HEIC, BMP and ICO are converted to one of them. */
export type StoredFormat = "jpeg" | "png" | "gif" | "webp" | "avif" | "svg";
export type StoredExtension = "jpg" | "png" | "gif" | "webp" | "avif" | "svg";

export const STORED_TYPES: Record<StoredFormat, { extension: StoredExtension; mime: string }> = {
  jpeg: { extension: "jpg", mime: "image/jpeg" },
  png: { extension: "png", mime: "image/png" },
  gif: { extension: "gif", mime: "image/gif" },
  webp: { extension: "webp", mime: "image/webp" },
  avif: { extension: "avif", mime: "image/avif" },
  svg: { extension: "svg", mime: "image/svg+xml" },
};

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
