import { readBmpHeader } from "../codecs/mod.ts";
import { decodeBmp, decodeIcoBmp, encodePng, largestIcoEntry } from "../codecs/mod.ts";
import { asInvalid } from "../codecs/mod.ts";
import { gifEnd } from "./gif_header.ts";
import { jpegEnd, pngEnd } from "./image_end.ts";
import { inspectRaster } from "./inspect.ts";
import { checkLimits, type ImageLimits } from "./limits.ts";
import type { RasterFormat } from "./sniff.ts";
import { type Ingested, ingested } from "./stored_format.ts";
import { stripJpegGps, stripPngGps } from "./strip_gps.ts";

/**
 * JPEG, PNG and GIF are stored as uploaded, less what follows their end marker and less GPS.
 * What is decoded is the trimmed file, so the stored bytes are exactly the ones that decoded.
 */
export async function ingestClassic(
  bytes: Uint8Array,
  format: RasterFormat,
  limits: ImageLimits,
): Promise<Ingested> {
  const end = format === "jpeg" ? jpegEnd(bytes) : format === "png" ? pngEnd(bytes) : gifEnd(bytes);
  const image = end === null ? bytes : bytes.subarray(0, end);
  const info = await inspectRaster(image, format, limits);
  const stored = format === "jpeg"
    ? stripJpegGps(image)
    : format === "png"
    ? stripPngGps(image)
    : image;
  return ingested(format, stored, info);
}

/** BMP becomes PNG: browsers show BMP, but not every client does, and PNG is smaller. */
export async function ingestBmp(bytes: Uint8Array, limits: ImageLimits): Promise<Ingested> {
  const header = readBmpHeader(bytes);
  const { width, height } = header;
  checkLimits({ width, height, frames: 1, largestFramePixels: width * height }, limits);
  let png: Uint8Array;
  try {
    png = await encodePng(decodeBmp(bytes, header));
  } catch (error) {
    throw asInvalid("bmp", error);
  }
  return ingested("png", png, { width, height });
}

/**
 * ICO becomes PNG, from its largest image. A PNG entry is kept as it is (it was already a
 * PNG); a BMP entry is decoded and encoded.
 */
export async function ingestIco(bytes: Uint8Array, limits: ImageLimits): Promise<Ingested> {
  const entry = largestIcoEntry(bytes);
  const { width, height } = entry;
  checkLimits({ width, height, frames: 1, largestFramePixels: width * height }, limits);
  if (entry.kind === "png") return await ingestClassic(entry.data, "png", limits);
  let png: Uint8Array;
  try {
    png = await encodePng(decodeIcoBmp(entry));
  } catch (error) {
    throw asInvalid("ico", error);
  }
  return ingested("png", png, { width, height });
}
