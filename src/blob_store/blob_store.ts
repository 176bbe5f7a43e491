/** Where image bytes live. KV today; an S3-compatible store can implement the same contract. */
export interface BlobStore {
  /**
   * Stores bytes under their SHA-256 (deduplicated) and returns the guards an event that
   * references the blob must commit with, so a concurrent delete cannot leave it dangling.
   */
  put(bytes: Uint8Array, now: number): Promise<StoredBlob>;
  stat(hash: string): Promise<BlobInfo | null>;
  /** A stream that reads one chunk at a time; null when the blob does not exist. */
  read(hash: string): Promise<{ info: BlobInfo; body: ReadableStream<Uint8Array> } | null>;
  /** Deletes the blob unless `isReferenced` says a live image still uses it. */
  delete(hash: string, isReferenced: (hash: string) => Promise<boolean>): Promise<boolean>;
}

export type StoredBlob = { hash: string; size: number; guards: Deno.AtomicCheck[] };
export type BlobInfo = { hash: string; size: number };

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>),
  );
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}
