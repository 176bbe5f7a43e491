import type { RasterFormat } from "./sniff.ts";
import { readJpegHeader } from "./jpeg_header.ts";
import { readPngHeader } from "./png_header.ts";
import { readGifHeader } from "./gif_header.ts";

/** What the headers claim, read without decoding any pixel data. */
export type RasterHeader = {
  /** Stored size (before EXIF orientation); for GIF the logical screen. */
  width: number;
  height: number;
  frames: number;
  /** The largest single buffer a decoder will allocate, in pixels. */
  largestFramePixels: number;
  /** EXIF orientation 1–8; 1 when absent. */
  orientation: number;
};

/** Throws AppError("invalid_image") when the structure is broken or the size is zero. */
export function readHeader(bytes: Uint8Array, format: RasterFormat): RasterHeader {
  switch (format) {
    case "jpeg":
      return readJpegHeader(bytes);
    case "png":
      return readPngHeader(bytes);
    case "gif":
      return readGifHeader(bytes);
  }
}
