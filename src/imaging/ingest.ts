import { emptyFile, unsupportedFormat } from "../codecs/mod.ts";
import { ingestBmp, ingestClassic, ingestIco } from "./ingest_raster.ts";
import { ingestAvif, ingestHeic, ingestWebp } from "./ingest_modern.ts";
import { ingestSvg } from "./ingest_svg.ts";
import { placeholdersOf } from "./placeholder_source.ts";
import type { Placeholders } from "./placeholders.ts";
import { sniff } from "./sniff.ts";
import type { Ingested } from "./stored_format.ts";

export type { Ingested } from "./stored_format.ts";

/** What ingest returns: the stored original and, when they could be computed, its placeholders. */
export type IngestResult = Ingested & { placeholders?: Placeholders };

export type IngestOptions = {
  limits: { maxPixels: number; maxFrames: number; maxAnimationPixels: number };
  /** SVG has its own size limit (SPEC §4), below the general upload limits. */
  svgMaxBytes: number;
};

/**
 * The one way bytes become a stored original. The format comes from the magic bytes; each
 * format's headers are probed against the limits before any decoder allocates; raster inputs
 * are decoded once so that a corrupt file fails here and not at its first transform.
 *
 * Throws AppError: invalid_image (empty, corrupt, truncated), unsupported_format (415),
 * image_too_large, file_too_large (SVG over its limit), internal_error (a codec cannot load).
 */
export async function ingest(
  bytes: Uint8Array,
  opts: IngestOptions,
): Promise<IngestResult> {
  const info = await ingestFormat(bytes, opts);
  // Computed once, here, from what is stored: the event keeps them, so replay needs no pixels.
  return { ...info, placeholders: await placeholdersOf(info.bytes, info.format, info) };
}

async function ingestFormat(bytes: Uint8Array, opts: IngestOptions): Promise<Ingested> {
  if (bytes.length === 0) throw emptyFile();
  const { format, detected } = sniff(bytes);
  const { limits } = opts;
  switch (format) {
    case "jpeg":
    case "png":
    case "gif":
      return await ingestClassic(bytes, format, limits);
    case "webp":
      return await ingestWebp(bytes, limits);
    case "avif":
      return await ingestAvif(bytes, limits);
    case "heic":
      return await ingestHeic(bytes, limits);
    case "bmp":
      return await ingestBmp(bytes, limits);
    case "ico":
      return await ingestIco(bytes, limits);
    case "svg":
      return await ingestSvg(bytes, opts.svgMaxBytes, limits.maxPixels);
    case null:
      throw unsupportedFormat(detected);
  }
}
