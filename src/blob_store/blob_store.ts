/** Image blobs: metadata and guards in KV, bytes in KV or S3 (see KvBlobStore, BlobBytes). */
export interface BlobStore {
  /**
   * Stores bytes under their SHA-256 (deduplicated) and returns the guards an event that
   * references the blob must commit with, so a concurrent delete cannot leave it dangling.
   */
  put(bytes: Uint8Array, now: number): Promise<StoredBlob>;
  stat(hash: string): Promise<BlobInfo | null>;
  /**
   * A pull-based stream of the bytes (or of the half-open `range`); null when the blob does not
   * exist. Throws StoreUnavailableError (a 503) when the bytes backend cannot be reached.
   */
  read(
    hash: string,
    range?: { start: number; end: number },
  ): Promise<{ info: BlobInfo; body: ReadableStream<Uint8Array> } | null>;
  /**
   * Deletes the blob unless `isReferenced` says a live image still uses it, or an upload
   * touched it within TOUCH_WINDOW_MS × 2 before `nowMs` (it may be about to reference it).
   */
  delete(
    hash: string,
    isReferenced: (hash: string) => Promise<boolean>,
    nowMs: number,
  ): Promise<boolean>;
}

/**
 * An upload re-touches an existing blob only when the last touch is older than this, so
 * concurrent uploads of the same bytes do not invalidate each other's guards. An upload must
 * commit its event within this window of its `put` (it takes milliseconds); deleters leave alone
 * blobs touched within twice the window.
 */
export const TOUCH_WINDOW_MS = 60_000;

export type StoredBlob = { hash: string; size: number; guards: Deno.AtomicCheck[] };
export type BlobInfo = { hash: string; size: number };
