import { kvKeys } from "../kv_keys.ts";
import type { BlobBytes, ByteRange, BytesRef } from "./blob_bytes.ts";

export const CHUNK_BYTES = 60 * 1024;
// 12 chunks ≈ 720 KiB stays under KV's 800 KiB per atomic.
const CHUNKS_PER_ATOMIC = 12;
const DELETES_PER_ATOMIC = 500;
// getMany takes at most 10 keys: one round trip per ~600 KiB instead of one per chunk.
const CHUNKS_PER_READ = 10;

export const chunkCount = (size: number) => Math.ceil(size / CHUNK_BYTES);
const chunkKey = (ref: BytesRef, n: number) => kvKeys.blobs.chunk(ref.hash, ref.gen, n);

/** The embedded default: bytes in 60 KiB KV values beside their metadata. */
export class KvBlobBytes implements BlobBytes {
  readonly kind = "kv";
  constructor(private readonly kv: Deno.Kv) {}

  async put(ref: BytesRef, bytes: Uint8Array): Promise<void> {
    const chunks = chunkCount(bytes.length);
    for (let n = 0; n < chunks; n += CHUNKS_PER_ATOMIC) {
      const op = this.kv.atomic();
      for (let i = n; i < Math.min(n + CHUNKS_PER_ATOMIC, chunks); i++) {
        op.set(chunkKey(ref, i), bytes.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES));
      }
      await op.commit();
    }
  }

  get(ref: BytesRef, range?: ByteRange): Promise<ReadableStream<Uint8Array> | null> {
    const start = range?.start ?? 0;
    const end = Math.min(range?.end ?? ref.size, ref.size);
    const kv = this.kv;
    let n = Math.floor(start / CHUNK_BYTES);
    const last = end > start ? Math.floor((end - 1) / CHUNK_BYTES) : n - 1;
    // Pull-based: the next batch is fetched only when the consumer asks, so memory stays at
    // about one batch per response however large the image is.
    return Promise.resolve(
      new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (n > last) return controller.close();
          const batch: Deno.KvKey[] = [];
          for (let i = n; i <= Math.min(last, n + CHUNKS_PER_READ - 1); i++) {
            batch.push(chunkKey(ref, i));
          }
          const entries = await kv.getMany<Uint8Array[]>(batch);
          for (const entry of entries) {
            const i = entry.key[3] as number;
            if (!entry.value) {
              return controller.error(new Error(`blob ${ref.hash} lost chunk ${i}`));
            }
            const from = i * CHUNK_BYTES;
            const lo = Math.max(0, start - from);
            const hi = Math.min(entry.value.length, end - from);
            controller.enqueue(
              lo === 0 && hi === entry.value.length ? entry.value : entry.value.subarray(lo, hi),
            );
          }
          n += batch.length;
        },
      }, { highWaterMark: 1 }),
    );
  }

  async head(ref: BytesRef): Promise<number | null> {
    const chunks = chunkCount(ref.size);
    if (chunks === 0) return 0;
    const lastChunk = await this.kv.get(chunkKey(ref, chunks - 1));
    return lastChunk.value ? ref.size : null;
  }

  async delete(ref: BytesRef): Promise<void> {
    const chunks = chunkCount(ref.size);
    for (let n = 0; n < chunks; n += DELETES_PER_ATOMIC) {
      const op = this.kv.atomic();
      for (let i = n; i < Math.min(n + DELETES_PER_ATOMIC, chunks); i++) {
        op.delete(chunkKey(ref, i));
      }
      await op.commit();
    }
  }
}
