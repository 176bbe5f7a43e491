import { nanoid } from "nanoid";
import type { BlobInfo, BlobStore, StoredBlob } from "./blob_store.ts";
import { sha256Hex } from "../crypto.ts";
import { TOUCH_WINDOW_MS } from "./blob_store.ts";

export const CHUNK_BYTES = 60 * 1024;
// 12 chunks ≈ 720 KiB stays under KV's 800 KiB per atomic.
const CHUNKS_PER_ATOMIC = 12;
const DELETES_PER_ATOMIC = 500;

type Meta = { size: number; gen: string; chunks: number; touched_at: number };
type Gen = { chunks: number; created_at: number };

const metaKey = (hash: string): Deno.KvKey => ["blobmeta", hash];
const genKey = (hash: string, gen: string): Deno.KvKey => ["bgen", hash, gen];
const chunkKey = (hash: string, gen: string, n: number): Deno.KvKey => ["blob", hash, gen, n];

/**
 * Content-addressed blobs in 60 KiB chunks. Each write of a blob gets a generation id, so a
 * delete racing a re-upload of the same bytes can only remove its own generation's chunks.
 */
export class KvBlobStore implements BlobStore {
  constructor(private readonly kv: Deno.Kv) {}

  async put(bytes: Uint8Array, now: number): Promise<StoredBlob> {
    const hash = await sha256Hex(bytes);
    for (let attempt = 0; attempt < 5; attempt++) {
      const meta = await this.kv.get<Meta>(metaKey(hash));
      if (meta.value) {
        // Recently touched: deleters keep away from it, and our guard is its current version.
        if (now - meta.value.touched_at < TOUCH_WINDOW_MS) {
          return this.#stored(hash, bytes.length, meta.versionstamp);
        }
        // Touching the meta changes its versionstamp, which makes a concurrent delete's check fail.
        const res = await this.kv.atomic().check(meta)
          .set(metaKey(hash), { ...meta.value, touched_at: now }).commit();
        if (res.ok) return this.#stored(hash, bytes.length, res.versionstamp);
        continue;
      }
      const gen = nanoid(12);
      const chunks = Math.ceil(bytes.length / CHUNK_BYTES);
      await this.kv.set(genKey(hash, gen), { chunks, created_at: now } satisfies Gen);
      for (let n = 0; n < chunks; n += CHUNKS_PER_ATOMIC) {
        const op = this.kv.atomic();
        for (let i = n; i < Math.min(n + CHUNKS_PER_ATOMIC, chunks); i++) {
          op.set(chunkKey(hash, gen, i), bytes.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES));
        }
        await op.commit();
      }
      const value: Meta = { size: bytes.length, gen, chunks, touched_at: now };
      const res = await this.kv.atomic().check(meta).set(metaKey(hash), value).commit();
      if (res.ok) return this.#stored(hash, bytes.length, res.versionstamp);
      await this.#deleteGeneration(hash, gen, chunks);
    }
    throw new Error(`blob ${hash}: too many concurrent writers`);
  }

  #stored(hash: string, size: number, versionstamp: string): StoredBlob {
    return { hash, size, guards: [{ key: metaKey(hash), versionstamp }] };
  }

  async stat(hash: string): Promise<BlobInfo | null> {
    const meta = (await this.kv.get<Meta>(metaKey(hash))).value;
    return meta ? { hash, size: meta.size } : null;
  }

  async read(hash: string) {
    const meta = (await this.kv.get<Meta>(metaKey(hash))).value;
    if (!meta) return null;
    const { gen, chunks } = meta;
    const kv = this.kv;
    let n = 0;
    // Pull-based: the next chunk is fetched only when the consumer asks, so memory stays at
    // about one chunk per response however large the image is.
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (n >= chunks) return controller.close();
        const entry = await kv.get<Uint8Array>(chunkKey(hash, gen, n++));
        if (!entry.value) return controller.error(new Error(`blob ${hash} lost chunk ${n - 1}`));
        controller.enqueue(entry.value);
      },
    }, { highWaterMark: 2 });
    return { info: { hash, size: meta.size }, body };
  }

  async delete(
    hash: string,
    isReferenced: (hash: string) => Promise<boolean>,
    nowMs: number,
  ): Promise<boolean> {
    const meta = await this.kv.get<Meta>(metaKey(hash));
    if (!meta.value || nowMs - meta.value.touched_at < 2 * TOUCH_WINDOW_MS) return false;
    if (await isReferenced(hash)) return false;
    const res = await this.kv.atomic().check(meta).delete(metaKey(hash)).commit();
    if (!res.ok) return false;
    await this.#deleteGeneration(hash, meta.value.gen, meta.value.chunks);
    return true;
  }

  /**
   * Daily garbage collection: blobs no live image references (untouched for `graceMs`, so an
   * upload between its blob write and its event is safe), and generations a failed write left.
   */
  async collect(now: number, graceMs: number, isReferenced: (hash: string) => Promise<boolean>) {
    let blobs = 0;
    let generations = 0;
    for await (const entry of this.kv.list<Meta>({ prefix: ["blobmeta"] })) {
      const hash = entry.key[1] as string;
      if (entry.value.touched_at < now - graceMs && await this.delete(hash, isReferenced, now)) {
        blobs++;
      }
    }
    for await (const entry of this.kv.list<Gen>({ prefix: ["bgen"] })) {
      const [, hash, gen] = entry.key as [string, string, string];
      if (entry.value.created_at >= now - graceMs) continue;
      const meta = (await this.kv.get<Meta>(metaKey(hash))).value;
      if (meta?.gen === gen) continue;
      await this.#deleteGeneration(hash, gen, entry.value.chunks);
      generations++;
    }
    return { blobs, generations };
  }

  async #deleteGeneration(hash: string, gen: string, chunks: number) {
    for (let n = 0; n < chunks; n += DELETES_PER_ATOMIC) {
      const op = this.kv.atomic();
      for (let i = n; i < Math.min(n + DELETES_PER_ATOMIC, chunks); i++) {
        op.delete(chunkKey(hash, gen, i));
      }
      await op.commit();
    }
    await this.kv.delete(genKey(hash, gen));
  }
}
