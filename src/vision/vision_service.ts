import type { BlobStore } from "../blob_store/mod.ts";
import type { StoredFormat } from "../codecs/mod.ts";
import type { VariantCache } from "../variants/mod.ts";
import type { Box } from "./boxes.ts";
import { visionBusy } from "./busy.ts";
import type { FacesResult, SegmentResult, VisionJob } from "./engine.ts";
import type { OnnxModel } from "./onnx_model.ts";
import type { Mask } from "./raster.ts";
import type { SegmentMethod } from "./segment.ts";
import type { VisionClient } from "./vision_client.ts";

/**
 * Part of every cached mask's and face list's key: bumped whenever a model, the router or the
 * feathering changes, so no output is ever composited on a mask of another engine version.
 */
export const VISION_VERSION = "v2";

/** What the vision service needs of an image: its blob and displayed size. */
export type VisionSource = {
  blob: { hash: string };
  format: string;
  width: number;
  height: number;
};

export type VisionServiceOptions = {
  /** How long a request waits for its mask or faces before 503 overloaded (the job goes on). */
  deadlineMs: number;
  /** What Retry-After says when the deadline passes: about the time a mask takes. */
  retryAfterSeconds: number;
  /** Which segmenter makes masks: part of the mask's key. */
  strategy: string;
  /** The operator's ONNX model, if any. */
  model?: OnnxModel;
};

const MASK_MIME = "application/x-foreground-mask";

/**
 * Masks and face boxes, computed once per source blob (by hash, method and engine version) and
 * stored as blobs through the variant cache, which bounds and evicts them with the other
 * variants. Concurrent requests for one mask share one job (the cache's single flight).
 */
export class VisionService {
  constructor(
    private readonly deps: {
      blobs: BlobStore;
      variants: VariantCache;
      client: VisionClient;
      options: VisionServiceOptions;
    },
  ) {}

  /**
   * What an output made on this engine's masks or faces adds to its variant key and ETag: a new
   * segmenter (SEGMENT_MODEL_PATH) or VISION_VERSION must not serve outputs of the old masks.
   */
  outputKey(p: { segment?: unknown; gravity?: { kind: string } }): string {
    const parts = [
      p.segment ? `mask:${this.deps.options.strategy}` : "",
      p.gravity?.kind === "face" ? "faces" : "",
    ].filter(Boolean);
    return parts.length ? `|vision=${VISION_VERSION}:${parts.join(":")}` : "";
  }

  /** The foreground mask (8-bit, at its working size) and the method that made it. */
  async mask(src: VisionSource): Promise<{ mask: Mask; method: SegmentMethod }> {
    const key = `mask|${this.deps.options.strategy}|${VISION_VERSION}`;
    const v = await this.#waitFor(
      this.deps.variants.get(owner(src), key, src.blob.hash, async () => {
        const r = await this.#run(src, "segment") as SegmentResult;
        return {
          bytes: r.mask.data,
          mime: `${MASK_MIME}; method=${r.method}`,
          width: r.mask.width,
          height: r.mask.height,
        };
      }),
    );
    const method = /method=(\w+)/.exec(v.mime)?.[1] as SegmentMethod;
    return { mask: { width: v.width, height: v.height, data: await bytesOf(v.body) }, method };
  }

  /** Face boxes in the image's displayed pixels, best first; empty when there is none. */
  async faces(src: VisionSource): Promise<Box[]> {
    const key = `faces|${VISION_VERSION}`;
    const v = await this.#waitFor(
      this.deps.variants.get(owner(src), key, src.blob.hash, async () => {
        const r = await this.#run(src, "faces") as FacesResult;
        const bytes = new TextEncoder().encode(JSON.stringify(r.boxes));
        return { bytes, mime: "application/json", width: 0, height: 0 };
      }),
    );
    return JSON.parse(new TextDecoder().decode(await bytesOf(v.body))) as Box[];
  }

  /** Masks computed by this process: a cached mask is never computed again. */
  get inferences(): number {
    return this.deps.client.completed.segment;
  }

  /** Face detections run by this process: cached boxes are never detected again. */
  get faceDetections(): number {
    return this.deps.client.completed.faces;
  }

  /** Vision jobs sent and not yet answered. */
  get pending(): number {
    return this.deps.client.pending;
  }

  /** Deletes the masks and face boxes of a blob no image shows any more. */
  async forget(blobHash: string): Promise<void> {
    await this.deps.variants.deleteVariantsOf(owner({ blob: { hash: blobHash } }));
  }

  close() {
    this.deps.client.close();
  }

  async #run(src: VisionSource, op: VisionJob["op"]) {
    const blob = await this.deps.blobs.read(src.blob.hash);
    if (!blob) throw new Error(`blob ${src.blob.hash} is missing`);
    const bytes = await bytesOf(blob.body);
    return await this.deps.client.run({
      op,
      bytes,
      format: src.format as StoredFormat,
      width: src.width,
      height: src.height,
      ...(op === "segment" && this.deps.options.model ? { model: this.deps.options.model } : {}),
    });
  }

  /**
   * The request waits up to the deadline; past it, 503 with Retry-After, while the job runs on
   * and stores its result for the retry.
   */
  async #waitFor<T>(work: Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(visionBusy(this.deps.options.retryAfterSeconds, "deadline")),
        this.deps.options.deadlineMs,
      );
    });
    work.catch(() => {});
    try {
      return await Promise.race([work, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Masks belong to the source blob, not to one image: identical uploads share them. */
const owner = (src: { blob: { hash: string } }) => `vision:${src.blob.hash}`;

async function bytesOf(body: ReadableStream<Uint8Array> | Uint8Array): Promise<Uint8Array> {
  if (body instanceof Uint8Array) return body;
  return new Uint8Array(await new Response(body).arrayBuffer());
}
