import { asInvalid, invalidImage } from "../codecs/mod.ts";
import { decodeAvif, decodeHeic, decodeWebp, encodeMozjpeg, type Rgba } from "../codecs/mod.ts";
import { heifExifSegment, insertAfterJfif } from "./heif_exif.ts";
import { isoBmffEnd, riffEnd } from "./image_end.ts";
import { imageSizes } from "./isobmff.ts";
import { checkLimits, type ImageLimits } from "./limits.ts";
import type { InputFormat } from "./sniff.ts";
import { type Ingested, ingested } from "./stored_format.ts";
import { stripIsoBmffGps, stripWebpGps } from "./strip_gps.ts";
import { readWebpHeader } from "./webp_header.ts";

/**
 * WebP is kept as uploaded. An animation keeps only its first frame, rebuilt as a still without
 * re-encoding: the WebP decoders the transforms use read stills only, and a link must not show
 * motion that every variant of it loses. The frame limits do not apply for the same reason.
 */
export async function ingestWebp(bytes: Uint8Array, limits: ImageLimits): Promise<Ingested> {
  const end = riffEnd(bytes);
  if (end === null) throw invalidImage("webp", "the file is shorter than its RIFF header says");
  const file = bytes.subarray(0, end);
  const header = readWebpHeader(file);
  const { width, height, largestFramePixels } = header;
  checkLimits({ width, height, frames: 1, largestFramePixels }, limits);
  const still = header.firstFrame ?? file;
  const image = await decoded("webp", decodeWebp(still), largestFramePixels);
  return ingested("webp", stripWebpGps(still), image);
}

/**
 * AVIF is kept as uploaded, less trailing bytes and GPS. The limit applies to the largest
 * declared image (ispe), which is what libavif allocates for the primary image.
 */
export async function ingestAvif(bytes: Uint8Array, limits: ImageLimits): Promise<Ingested> {
  const file = bytes.subarray(0, isoBmffEnd(bytes) ?? bytes.length);
  const largest = largestDeclared(file, "avif");
  checkLimits(largest, limits);
  const image = await decoded("avif", decodeAvif(file), largest.largestFramePixels);
  return ingested("avif", stripIsoBmffGps(file), image);
}

/**
 * HEIC/HEIF becomes a JPEG (browsers other than Safari cannot show it), with its Exif less GPS.
 * libheif applies the container's rotation, so the decoded size is the displayed size.
 */
export async function ingestHeic(bytes: Uint8Array, limits: ImageLimits): Promise<Ingested> {
  const largest = largestDeclared(bytes, "heic");
  checkLimits(largest, limits);
  // libheif's own view of the size (after rotation and cropping) is checked again before the
  // pixels are allocated.
  const again = (width: number, height: number) =>
    checkLimits({ width, height, frames: 1, largestFramePixels: width * height }, limits);
  let jpeg: Uint8Array;
  let image: Rgba;
  try {
    image = await decodeHeic(bytes, again);
    jpeg = await encodeMozjpeg(onWhite(image));
  } catch (error) {
    throw asInvalid("heic", error);
  }
  const exif = heifExifSegment(bytes);
  return ingested("jpeg", exif ? insertAfterJfif(jpeg, exif) : jpeg, image);
}

function largestDeclared(file: Uint8Array, format: InputFormat) {
  const sizes = imageSizes(file).filter((s) => s.width > 0 && s.height > 0);
  if (sizes.length === 0) throw invalidImage(format, "its headers declare no image size");
  const largest = sizes.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
  return { ...largest, frames: 1, largestFramePixels: largest.width * largest.height };
}

/** Decodes, and refuses an image larger than its headers declared (a crafted file). */
async function decoded(format: InputFormat, work: Promise<Rgba>, declaredPixels: number) {
  let image: Rgba;
  try {
    image = await work;
  } catch (error) {
    throw asInvalid(format, error);
  }
  if (image.width * image.height > declaredPixels || image.width === 0 || image.height === 0) {
    throw invalidImage(format, "its headers contradict its image data");
  }
  return { width: image.width, height: image.height };
}

/** JPEG has no alpha: transparent HEIF pixels are flattened onto white, as viewers show them. */
function onWhite(image: Rgba): Rgba {
  const d = image.data;
  for (let i = 3; i < d.length; i += 4) {
    const a = d[i];
    if (a === 255) continue;
    for (let c = i - 3; c < i; c++) d[c] = Math.round((d[c] * a + 255 * (255 - a)) / 255);
    d[i] = 255;
  }
  return image;
}
