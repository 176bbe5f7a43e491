import { nanoid } from "nanoid";
import type { BlobInfo, BlobStore, StoredBlob } from "./blob_store.ts";
import { sha256Hex } from "../crypto.ts";
import { kvKeys } from "../kv_keys.ts";
import { TOUCH_WINDOW_MS } from "./blob_store.ts";
import type { BlobBytes, ByteRange, BytesRef } from "./blob_bytes.ts";
import { StoreUnavailableError } from "./blob_bytes.ts";
import { CHUNK_BYTES, chunkCount, KvBlobBytes } from "./kv_bytes.ts";

/** `bytes` absent means KV (every blob written before other backends existed). */
type Where = { bytes?: "s3" };
type Meta = Where & { size: number; gen: string; chunks: number; touched_at: number };
type Gen = Where & { chunks: number; size?: number; created_at: number };

const { meta: metaKey, gen: genKey } = kvKeys.blobs;

/**
 * Content-addressed blobs: metadata, reference guards and GC decisions in KV, bytes in a
 * BlobBytes backend (KV chunks by default, or S3). Each write of a blob gets a generation id,
 * so a delete racing a re-upload of the same bytes can only remove its own generation's bytes.
 * Every generation is recorded before its bytes are written, so the collector can always find
 * (and remove) the bytes of a write that failed half-way.
 */
export class KvBlobStore implements BlobStore {
  readonly #bytes: BlobBytes;
  readonly #kvBytes: KvBlobBytes;

  constructor(private readonly kv: Deno.Kv, bytes?: BlobBytes) {
    this.#kvBytes = new KvBlobBytes(kv);
    this.#bytes = bytes ?? this.#kvBytes;
  }

  get backend(): "kv" | "s3" {
    return this.#bytes.kind;
  }

  #where(): Where {
    return this.#bytes.kind === "kv" ? {} : { bytes: this.#bytes.kind };
  }

  /** Blobs stay where they were written, so switching BLOB_BACKEND keeps older images readable. */
  #backendOf(where: Where): BlobBytes {
    if ((where.bytes ?? "kv") === "kv") return this.#kvBytes;
    if (this.#bytes.kind === where.bytes) return this.#bytes;
    throw new StoreUnavailableError(`blob stored in ${where.bytes}, which is not configured`);
  }

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
      const ref: BytesRef = { hash, gen, size: bytes.length };
      const chunks = chunkCount(bytes.length);
      const where = this.#where();
      await this.kv.set(genKey(hash, gen), { ...where, chunks, size: ref.size, created_at: now });
      // If this throws, the generation record stays: the collector removes whatever part of the
      // bytes arrived. No meta was written, so no upload can reference these bytes.
      await this.#bytes.put(ref, bytes);
      const value: Meta = { ...where, size: bytes.length, gen, chunks, touched_at: now };
      const res = await this.kv.atomic().check(meta).set(metaKey(hash), value).commit();
      if (res.ok) return this.#stored(hash, bytes.length, res.versionstamp);
      await this.#deleteGeneration(ref, where);
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

  async read(hash: string, range?: ByteRange) {
    const meta = (await this.kv.get<Meta>(metaKey(hash))).value;
    if (!meta) return null;
    const body = await this.#backendOf(meta).get({ hash, gen: meta.gen, size: meta.size }, range);
    if (!body) return null;
    return { info: { hash, size: meta.size }, body };
  }

  /** Whether the bytes behind the metadata are really there (for audits and tests). */
  async bytesPresent(hash: string): Promise<boolean> {
    const meta = (await this.kv.get<Meta>(metaKey(hash))).value;
    if (!meta) return false;
    return await this.#backendOf(meta).head({ hash, gen: meta.gen, size: meta.size }) !== null;
  }

  async delete(
    hash: string,
    isReferenced: (hash: string) => Promise<boolean>,
    nowMs: number,
  ): Promise<boolean> {
    const meta = await this.kv.get<Meta>(metaKey(hash));
    if (!meta.value || nowMs - meta.value.touched_at < 2 * TOUCH_WINDOW_MS) return false;
    if (await isReferenced(hash)) return false;
    // The generation record goes only with the bytes: if the store is down now, the collector
    // still finds this generation (no meta names it) and removes its bytes later.
    const res = await this.kv.atomic().check(meta).delete(metaKey(hash)).commit();
    if (!res.ok) return false;
    await this.#deleteGeneration({ hash, gen: meta.value.gen, size: meta.value.size }, meta.value)
      .catch((err) => console.error(`blob ${hash}: bytes left for the collector:`, err));
    return true;
  }

  /**
   * Garbage collection: blobs no live image references (untouched for `graceMs`, so an upload
   * between its blob write and its event is safe), and generations a failed write or an
   * interrupted delete left. A store that is down leaves its entries for the next run.
   */
  async collect(now: number, graceMs: number, isReferenced: (hash: string) => Promise<boolean>) {
    let blobs = 0;
    let generations = 0;
    let failed = 0;
    for await (const entry of this.kv.list<Meta>({ prefix: kvKeys.blobs.allMeta() })) {
      const hash = entry.key[1] as string;
      if (entry.value.touched_at < now - graceMs && await this.delete(hash, isReferenced, now)) {
        blobs++;
      }
    }
    for await (const entry of this.kv.list<Gen>({ prefix: kvKeys.blobs.allGens() })) {
      const [, hash, gen] = entry.key as [string, string, string];
      if (entry.value.created_at >= now - graceMs) continue;
      const meta = (await this.kv.get<Meta>(metaKey(hash))).value;
      if (meta?.gen === gen) continue;
      // Records from before sizes were kept name only the chunk count.
      const size = entry.value.size ?? entry.value.chunks * CHUNK_BYTES;
      try {
        await this.#deleteGeneration({ hash, gen, size }, entry.value);
        generations++;
      } catch (err) {
        failed++;
        console.error(`blob gc: generation ${hash}/${gen} kept for the next run:`, err);
      }
    }
    return { blobs, generations, ...(failed ? { failed } : {}) };
  }

  async #deleteGeneration(ref: BytesRef, where: Where) {
    await this.#backendOf(where).delete(ref);
    await this.kv.delete(genKey(ref.hash, ref.gen));
  }
}
