import type { ImageDoc } from "../../projections/image_read_model.ts";
import type { BlobStore } from "../blob_store/mod.ts";
import type { Engine } from "../engine/mod.ts";
import { FORMATS, OUTPUT_IDS } from "../formats/mod.ts";
import { AppError } from "../../domain/errors.ts";
import type { VariantCache } from "../variants/mod.ts";
import type { SegmentMethod, VisionService } from "../vision/mod.ts";
import { FORMAT_MIME, type OutputFormat, type TransformParams } from "../transform/mod.ts";
import type { PipelineVision } from "../transform/mod.ts";
import { EXTENSION_OF, touchesPixels } from "../transform/mod.ts";
import { orientedSize, outputSize, planGeometry } from "../transform/mod.ts";
import type { StoredFormat } from "../codecs/mod.ts";
import { canonicalParams, canonicalString } from "./canonical.ts";
import { ALLOWED } from "./query_schema.ts";
import { EtagMemo } from "./etag_memo.ts";

/**
 * Bumped whenever an encoder or operation changes its output: it is part of every ETag and
 * variant key, so caches never mix bytes of two engine versions under one tag.
 */
export const ENGINE_VERSION = "t2";

const OUTPUTS = new Set<string>(OUTPUT_IDS.map((id) => FORMATS[id].extension));

/** What a request resolves to, known before any pixel is touched. */
export type Rendition = {
  /** Output format; "svg" only for an SVG served as stored. */
  format: OutputFormat | "svg";
  mime: string;
  /** Canonical parameters with the format resolved: the variant key. */
  key: string;
  etag: string;
  /** True when the stored original is served as it is. */
  original: boolean;
  width: number;
  height: number;
};

export type Body = {
  body: ReadableStream<Uint8Array> | Uint8Array;
  size: number;
  /** Which method made the foreground mask (X-Segment-Method), when segment was asked for. */
  segmentMethod?: SegmentMethod;
};

export type TransformLimits = { maxPixels: number; maxAnimationPixels: number };

export class TransformService {
  readonly #etags = new EtagMemo(ENGINE_VERSION);

  constructor(
    private readonly deps: {
      blobs: BlobStore;
      variants: VariantCache;
      engine: Engine;
      limits: TransformLimits;
      vision?: VisionService;
    },
  ) {}

  /**
   * Resolves the output format (the path's extension, then `format`, then the stored one),
   * the variant key and the ETag. Throws invalid_transform for a conflicting or unknown
   * extension, or a result beyond the pixel limits.
   */
  async resolve(doc: ImageDoc, asked: TransformParams, ext?: string): Promise<Rendition> {
    const p = canonicalParams(asked);
    const stored = EXTENSION_OF[doc.format as StoredFormat];
    if (ext !== undefined && ext !== stored && !OUTPUTS.has(ext)) {
      throw formatError(`".${ext}" is not an image format this service writes.`);
    }
    if (ext !== undefined && p.format && ext !== p.format) {
      throw formatError(`The path asks for .${ext} but the query for format=${p.format}.`);
    }
    // A cut-out defaults to PNG, which keeps its transparency.
    let format = (p.format ?? ext ?? (p.segment ? "png" : stored)) as OutputFormat | "svg";
    // A vector cannot come out of the raster pipeline as SVG; PNG keeps its transparency. A
    // path that names .svg asked for SVG, though, and is told so rather than sent a PNG.
    if (format === "svg" && touchesPixels(p)) {
      if (ext === "svg") throw formatError("An SVG cannot be transformed and stay SVG; use .png.");
      format = "png";
    }
    const effective = { ...p, format: format === stored ? undefined : format as OutputFormat };
    const key = canonicalString(effective) + (this.deps.vision?.outputKey(p) ?? "");
    const { width, height } = outputSize(doc.width, doc.height, p);
    const original = format === stored && !touchesPixels(p) &&
      (doc.format !== "jpeg" || p.metadata === "keep");
    // The pixel limits bound the work and memory of making a rendition. The stored original
    // served as it is makes no pixels, so they do not apply to it: an SVG (accepted at any
    // intrinsic size, as ingest rasterises nothing) is always served at its own link, while
    // any raster rendition of it is still refused beyond the limits.
    if (!original) this.#checkLimits(doc, width, height, format);
    return {
      format,
      mime: format === "svg" ? FORMATS.svg.mime : FORMAT_MIME[format],
      key,
      etag: await this.#etags.of(doc.blob.hash, original ? "" : key),
      original,
      width,
      height,
    };
  }

  /** The bytes: the stored original, a cached variant, or one computed now (once). */
  async body(doc: ImageDoc, asked: TransformParams, r: Rendition): Promise<Body> {
    if (r.original) return await this.#original(doc);
    // Rendered from the key's own numbers, so whichever request fills the cache, it holds
    // the same pixels.
    const p = canonicalParams(asked);
    const format = r.format as OutputFormat;
    // Masks and faces come first, outside the transform slot: waiting for the Worker holds none.
    const vision = await this.#vision(doc, p);
    const v = await this.deps.variants.get(
      doc.id,
      `${ENGINE_VERSION}|${r.key}`,
      doc.blob.hash,
      async () => {
        // The original is read once the job is admitted, not for a request the queue refuses.
        const out = await (this.deps.engine.transform(
          async () => ({
            bytes: await this.#bytesOf(doc),
            format: doc.format as StoredFormat,
            width: doc.width,
            height: doc.height,
            frames: doc.frames,
          }),
          p,
          format,
          { maxPixels: this.deps.limits.maxPixels },
          vision,
          { format: doc.format, width: doc.width, height: doc.height, frames: doc.frames },
        ));
        return {
          bytes: out.bytes,
          mime: FORMAT_MIME[format],
          width: out.width,
          height: out.height,
        };
      },
    );
    return { body: v.body, size: v.size, segmentMethod: vision.method };
  }

  async #vision(
    doc: ImageDoc,
    p: TransformParams,
  ): Promise<PipelineVision & { method?: SegmentMethod }> {
    const service = this.deps.vision;
    if (!service) return {};
    const out: PipelineVision & { method?: SegmentMethod } = {};
    if (p.segment) {
      const { mask, method } = await service.mask(doc);
      Object.assign(out, { mask, method });
    }
    if (p.gravity?.kind === "face") {
      const oriented = orientedSize(doc.width, doc.height, p);
      // Only a plan that cuts a window has a use for faces.
      if (planGeometry(oriented.width, oriented.height, p).crop) {
        out.faces = await service.faces(doc);
      }
    }
    return out;
  }

  async #original(doc: ImageDoc): Promise<Body & { body: ReadableStream<Uint8Array> }> {
    const blob = await this.deps.blobs.read(doc.blob.hash);
    if (!blob) throw new BlobMissingError(doc.id, doc.blob.hash);
    return { body: blob.body, size: blob.info.size };
  }

  async #bytesOf(doc: ImageDoc): Promise<Uint8Array> {
    const { body, size } = await this.#original(doc);
    const out = new Uint8Array(size);
    let o = 0;
    for await (const chunk of body) {
      out.set(chunk, o);
      o += chunk.length;
    }
    return out;
  }

  #checkLimits(doc: ImageDoc, width: number, height: number, format: string) {
    const { maxPixels, maxAnimationPixels } = this.deps.limits;
    const frames = doc.format === "gif" && format === "gif" ? doc.frames : 1;
    // An SVG is rasterised at least one pixel on its short side: its aspect ratio is the
    // smallest raster it can make (see pipeline's decodeTarget).
    const thinnest = doc.format === "svg"
      ? Math.ceil(Math.max(doc.width / doc.height, doc.height / doc.width))
      : 0;
    if (
      width * height > maxPixels || frames * width * height > maxAnimationPixels ||
      thinnest > maxPixels
    ) {
      throw new AppError(
        "invalid_transform",
        `The result would be ${width}x${height} pixels${
          frames > 1 ? ` × ${frames} frames` : ""
        }, ` +
          "more than this service makes.",
        { field: "w", hint: `Ask for a smaller w, h or dpr; w takes ${ALLOWED.w}.` },
      );
    }
  }
}

function formatError(message: string) {
  return new AppError("invalid_transform", message, {
    field: "format",
    hint: `format takes ${ALLOWED.format}; the path's extension means the same.`,
  });
}

/** The image's bytes are gone: it ended (in another isolate or a CLI task) or, worse, data was lost. */
export class BlobMissingError extends Error {
  override name = "BlobMissingError";
  constructor(readonly imageId: string, hash: string) {
    super(`image ${imageId} references missing blob ${hash}`);
  }
}
