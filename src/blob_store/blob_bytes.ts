import { AppError } from "../../domain/errors.ts";

/** One stored generation of a blob: the bytes backend's unit (one S3 object, or KV chunks). */
export type BytesRef = { hash: string; gen: string; size: number };
/** Half-open byte range [start, end). */
export type ByteRange = { start: number; end: number };

/**
 * Where the bytes of a blob live. Metadata, reference guards and GC decisions stay in KV (see
 * KvBlobStore); a backend only stores, reads and removes bytes, so every backend behaves the same
 * under deletes, races and replays.
 */
export interface BlobBytes {
  readonly kind: "kv" | "s3";
  /** Resolves only once the bytes are durably stored: an upload is acknowledged after this. */
  put(ref: BytesRef, bytes: Uint8Array): Promise<void>;
  /** A pull-based stream of the bytes (or of `range`); null when they are not there. */
  get(ref: BytesRef, range?: ByteRange): Promise<ReadableStream<Uint8Array> | null>;
  /** The stored size, or null when absent. */
  head(ref: BytesRef): Promise<number | null>;
  /** Removes the bytes; removing absent bytes is not an error. */
  delete(ref: BytesRef): Promise<void>;
}

/**
 * The bytes store did not answer (down, timing out, refusing our credentials) after retries.
 * A 503 with `retry`: nothing was acknowledged, so the caller can safely send the same request.
 */
export class StoreUnavailableError extends AppError {
  constructor(detail: string) {
    super(
      "store_unavailable",
      "Image storage is not reachable right now; nothing was saved or changed.",
      { retryAfter: 5 },
    );
    this.cause = detail;
  }
}
