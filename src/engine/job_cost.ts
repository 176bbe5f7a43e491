import type { IngestOptions } from "../imaging/mod.ts";
import { readHeader } from "../imaging/mod.ts";
import { largestIcoEntry } from "../codecs/mod.ts";
import { imageSizes } from "../imaging/mod.ts";
import { readBmpHeader } from "../codecs/mod.ts";
import { resolveLimits } from "../imaging/mod.ts";
import { pixelMemoryBytes } from "../imaging/mod.ts";
import { sniff } from "../imaging/mod.ts";
import { readWebpHeader } from "../imaging/mod.ts";
import type { OutputFormat, TransformParams } from "../transform/mod.ts";
import { decodeTarget } from "../transform/mod.ts";
import { orientedSize, outputSize, planGeometry } from "../transform/mod.ts";

/** What any job holds at least: a codec's wasm instance and the job's own bytes. */
export const MIN_JOB_BYTES = 18 * 2 ** 20;

type Size = { width: number; height: number; frames: number; largest: number };

/** The stored size an upload's headers claim, or null when they cannot be read here. */
function headerSize(bytes: Uint8Array, format: string): Size | null {
  try {
    switch (format) {
      case "jpeg":
      case "png":
      case "gif": {
        const h = readHeader(bytes, format);
        return {
          width: h.width,
          height: h.height,
          frames: h.frames,
          largest: h.largestFramePixels,
        };
      }
      case "webp": {
        const h = readWebpHeader(bytes);
        return {
          width: h.width,
          height: h.height,
          frames: h.frames,
          largest: h.largestFramePixels,
        };
      }
      case "avif":
      case "heic": {
        const largest = imageSizes(bytes).reduce(
          (a, s) => s.width * s.height > a.width * a.height ? s : a,
          { width: 1, height: 1 },
        );
        return { ...largest, frames: 1, largest: largest.width * largest.height };
      }
      case "bmp": {
        const h = readBmpHeader(bytes);
        return { width: h.width, height: h.height, frames: 1, largest: h.width * h.height };
      }
      case "ico": {
        const e = largestIcoEntry(bytes);
        return { width: e.width, height: e.height, frames: 1, largest: e.width * e.height };
      }
    }
  } catch {
    // Broken headers: the job refuses the upload quickly, holding next to nothing.
  }
  return null;
}

/**
 * The peak memory an ingest job is admitted with (src/imaging/pixel_memory.ts). An upload past
 * the pixel limits is refused from its headers before anything is decoded, so it is charged
 * only the minimum: it must not wait behind the budget to be told so.
 */
export function ingestCost(bytes: Uint8Array, opts: IngestOptions): number {
  const format = sniff(bytes).format;
  const size = format ? headerSize(bytes, format) : null;
  if (!format || format === "svg" || !size) return MIN_JOB_BYTES + bytes.length;
  const { maxPixels } = resolveLimits(opts.limits);
  if (size.largest > maxPixels) return MIN_JOB_BYTES;
  return bytes.length + pixelMemoryBytes({ kind: "ingest", format, ...size });
}

export type TransformSource = {
  format: string;
  width: number;
  height: number;
  frames: number;
};

/** The peak memory a transform job is admitted with: decode at the size needed, then encode. */
export function transformCost(
  source: TransformSource,
  p: TransformParams,
  format: OutputFormat,
  maxPixels: number,
): number {
  try {
    const oriented = orientedSize(source.width, source.height, p);
    const plan = planGeometry(oriented.width, oriented.height, p);
    const out = outputSize(source.width, source.height, p);
    if (out.width * out.height > maxPixels) return MIN_JOB_BYTES;
    // EXIF orientation is only known from the bytes; the stored size's area is the same either way.
    const target = decodeTarget(
      { ...source, bytes: new Uint8Array(0) } as never,
      plan,
      oriented,
      1,
      maxPixels,
    );
    const decoded = source.format === "jpeg" && target
      ? dctScaled(source, target)
      : source.format === "svg"
      ? (target ?? source)
      : source;
    const frames = source.format === "gif" && format === "gif" ? source.frames : 1;
    return pixelMemoryBytes({
      kind: "transform",
      format: source.format,
      decoded: { width: decoded.width, height: decoded.height },
      frames,
      output: { ...out, format },
    });
  } catch {
    return MIN_JOB_BYTES;
  }
}

/** libjpeg-turbo decodes at M/8 of the stored size, the smallest M that covers the target. */
function dctScaled(
  stored: { width: number; height: number },
  target: { width: number; height: number },
) {
  for (let m = 1; m <= 8; m++) {
    const w = Math.ceil(stored.width * m / 8), h = Math.ceil(stored.height * m / 8);
    if (w >= target.width && h >= target.height) return { width: w, height: h };
  }
  return stored;
}
