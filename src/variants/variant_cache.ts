import type { BlobStore } from "../blob_store/mod.ts";
import { sha256Hex } from "../crypto.ts";
import type { Clock } from "../clock.ts";
import { kvKeys } from "../kv_keys.ts";
import { MemoryLru } from "./memory_lru.ts";

/** What is known about a stored variant without reading its bytes. */
export type VariantMeta = {
  hash: string;
  size: number;
  mime: string;
  width: number;
  height: number;
};
/** `shared`: the bytes are the original's own blob, which the image owns and deletes. */
type Entry = VariantMeta & { used_at: number; created_at: number; shared?: boolean };

export type Variant = VariantMeta & { body: ReadableStream<Uint8Array> | Uint8Array };
export type Computed = { bytes: Uint8Array; mime: string; width: number; height: number };

export type VariantCacheOptions = {
  /** Upper bound on the bytes all variants occupy in the blob store. */
  maxBytes: number;
  /** Upper bound on the bytes kept in this isolate's memory for the hottest small variants. */
  memoryBytes?: number;
  /** Variants larger than this are never kept in memory. */
  memoryEntryBytes?: number;
};

const MiB = 1024 * 1024;
/** Recency is recorded at most this often per variant, so a hot variant is not a KV write per hit. */
const TOUCH_EVERY_MS = 3_600_000;
/** Eviction runs down to this share of the bound, so it does not run on every insert. */
const LOW_WATER = 0.9;

const { entry: entryKey, lru: lruKey, ref: refKey } = kvKeys.variants;
const TOTAL = kvKeys.variants.total();
// KV's u64 sum wraps around, so adding 2^64 − n subtracts n.
const minus = (n: number) => (1n << 64n) - BigInt(n);

/**
 * Transform results, keyed by (image, canonical parameters), stored as blobs. Eviction is least
 * recently used by total size: an index ordered by last use (refreshed at most hourly) and a
 * running byte total; an insert that passes the bound evicts the oldest down to 90 % of it.
 * Concurrent identical requests share one computation (single-flight per isolate).
 */
export class VariantCache {
  /** `at`: when it entered memory, from KV or a computation. */
  readonly #memory: MemoryLru<VariantMeta & { bytes: Uint8Array; at: number }>;
  readonly #memoryBytes: number;
  readonly #inflight = new Map<string, Promise<Variant>>();
  #evicting: Promise<void> | null = null;

  constructor(
    private readonly kv: Deno.Kv,
    private readonly blobs: BlobStore,
    private readonly isOriginal: (hash: string) => Promise<boolean>,
    private readonly clock: Clock,
    private readonly opts: VariantCacheOptions,
  ) {
    this.#memoryBytes = opts.memoryBytes ?? 64 * MiB;
    this.#memory = new MemoryLru(this.#memoryBytes);
  }

  /** The variant's bytes: from memory, from the blob store, or computed once by `compute`. */
  async get(
    imageId: string,
    key: string,
    sourceHash: string,
    compute: () => Promise<Computed>,
  ): Promise<Variant> {
    const id = `${imageId}\n${key}`;
    const hot = this.#memory.get(id);
    // Once an hour a hot variant goes through KV, so its recency there is kept and the KV LRU
    // does not evict what this process serves most.
    if (hot && this.clock.now() - hot.at < TOUCH_EVERY_MS) {
      const { at: _, bytes, ...meta } = hot;
      return { ...meta, body: bytes };
    }
    const stored = await this.#read(imageId, key);
    if (stored) return stored;
    let flight = this.#inflight.get(id);
    if (!flight) {
      flight = this.#computeAndStore(imageId, key, sourceHash, compute)
        .finally(() => this.#inflight.delete(id));
      this.#inflight.set(id, flight);
    }
    // Every waiter gets the same bytes (not a stream, which could be read only once).
    return await flight;
  }

  /**
   * The variant's bytes if this process holds them and their KV recency is not due for a touch;
   * null sends the caller through `get`.
   */
  peek(imageId: string, key: string): Uint8Array | null {
    const hot = this.#memory.get(`${imageId}\n${key}`);
    return hot && this.clock.now() - hot.at < TOUCH_EVERY_MS ? hot.bytes : null;
  }

  async #read(imageId: string, key: string): Promise<Variant | null> {
    const entry = await this.kv.get<Entry>(entryKey(imageId, key));
    if (!entry.value) return null;
    const blob = await this.blobs.read(entry.value.hash);
    if (!blob) {
      // The blob went (a collector, an operator): forget the entry and compute again.
      await this.#remove(imageId, key, entry);
      return null;
    }
    await this.#touch(imageId, key, entry);
    const { hash, size, mime, width, height } = entry.value;
    const meta = { hash, size, mime, width, height };
    if (!this.#keepsInMemory(size)) return { ...meta, body: blob.body };
    // Small enough to keep: read it whole once, so the next hits skip KV altogether (another
    // process, or this one after a restart, filled the blob store).
    const bytes = await readAll(blob.body, size);
    if (bytes.length !== size) return { ...meta, body: bytes };
    this.#memory.set(`${imageId}\n${key}`, { ...meta, bytes, at: this.clock.now() }, size);
    return { ...meta, body: bytes };
  }

  async #computeAndStore(
    imageId: string,
    key: string,
    sourceHash: string,
    compute: () => Promise<Computed>,
  ): Promise<Variant> {
    const out = await compute();
    const now = this.clock.now();
    // A JPEG with nothing to strip comes out byte for byte as stored: point at the original
    // rather than store it twice, and leave its deletion to the image.
    const hash = await sha256Hex(out.bytes);
    const shared = hash === sourceHash;
    const stored = shared ? { hash, guards: [] } : await this.blobs.put(out.bytes, now);
    const meta: VariantMeta = {
      hash: stored.hash,
      size: out.bytes.length,
      mime: out.mime,
      width: out.width,
      height: out.height,
    };
    const entry: Entry = { ...meta, used_at: now, created_at: now, ...(shared ? { shared } : {}) };
    const op = this.kv.atomic()
      .check({ key: entryKey(imageId, key), versionstamp: null }, ...stored.guards)
      .set(entryKey(imageId, key), entry)
      .set(lruKey(now, imageId, key), true);
    if (!shared) op.set(refKey(meta.hash, imageId, key), true).sum(TOTAL, BigInt(meta.size));
    const res = await op.commit();
    const variant = { ...meta, bytes: out.bytes, at: now };
    if (this.#keepsInMemory(meta.size)) {
      this.#memory.set(`${imageId}\n${key}`, variant, meta.size);
    }
    if (res.ok) await this.#evictIfNeeded();
    return { ...meta, body: out.bytes };
  }

  #keepsInMemory(size: number): boolean {
    return this.#memoryBytes > 0 && size <= (this.opts.memoryEntryBytes ?? 2 * MiB);
  }

  async #touch(imageId: string, key: string, entry: Deno.KvEntry<Entry>) {
    const now = this.clock.now();
    if (now - entry.value.used_at < TOUCH_EVERY_MS) return;
    // A lost race means another request touched it: recency is recorded either way.
    await this.kv.atomic().check(entry)
      .set(entryKey(imageId, key), { ...entry.value, used_at: now })
      .delete(lruKey(entry.value.used_at, imageId, key))
      .set(lruKey(now, imageId, key), true)
      .commit();
  }

  /** Removes the entry and its indexes, then the blob unless something else still uses it. */
  async #remove(imageId: string, key: string, current: Deno.KvEntry<Entry>): Promise<boolean> {
    const entry = current.value;
    const op = this.kv.atomic()
      .check(current)
      .delete(entryKey(imageId, key))
      .delete(lruKey(entry.used_at, imageId, key));
    if (!entry.shared) op.delete(refKey(entry.hash, imageId, key)).sum(TOTAL, minus(entry.size));
    const res = await op.commit();
    this.#memory.delete(`${imageId}\n${key}`);
    if (!res.ok) return false;
    if (!entry.shared) await this.blobs.delete(entry.hash, this.isReferenced, this.clock.now());
    return true;
  }

  /** True while an original or any variant uses the blob: the blob collector must keep it. */
  isReferenced = async (hash: string): Promise<boolean> => {
    if (await this.isOriginal(hash)) return true;
    for await (const _ of this.kv.list({ prefix: kvKeys.variants.refsOf(hash) }, { limit: 1 })) {
      return true;
    }
    return false;
  };

  /** Deletes every variant of an image (it expired or was deleted). Returns how many. */
  async deleteVariantsOf(imageId: string): Promise<number> {
    let removed = 0;
    for await (const e of this.kv.list<Entry>({ prefix: kvKeys.variants.ofImage(imageId) })) {
      if (await this.#remove(imageId, e.key[2] as string, e)) removed++;
    }
    this.#memory.deleteWhere((id) => id.startsWith(`${imageId}\n`));
    return removed;
  }

  async totalBytes(): Promise<number> {
    const total = (await this.kv.get<Deno.KvU64>(TOTAL)).value;
    return total ? Number(total.value) : 0;
  }

  async #evictIfNeeded(): Promise<void> {
    if (await this.totalBytes() <= this.opts.maxBytes) return;
    // One eviction at a time per isolate; a concurrent one would only race it for the same keys.
    this.#evicting ??= this.#evict().finally(() => (this.#evicting = null));
    await this.#evicting;
  }

  async #evict(): Promise<void> {
    const target = this.opts.maxBytes * LOW_WATER;
    let total = await this.totalBytes();
    for await (const lru of this.kv.list({ prefix: kvKeys.variants.allLru() })) {
      if (total <= target) break;
      const [, , imageId, key] = lru.key as [string, number, string, string];
      const entry = await this.kv.get<Entry>(entryKey(imageId, key));
      if (!entry.value) {
        await this.kv.delete(lru.key); // left by a crash between writes
        continue;
      }
      if (await this.#remove(imageId, key, entry) && !entry.value.shared) total -= entry.value.size;
    }
  }
}

async function readAll(body: ReadableStream<Uint8Array>, size: number): Promise<Uint8Array> {
  const out = new Uint8Array(size);
  let o = 0;
  for await (const chunk of body) {
    if (o + chunk.length > size) return out.subarray(0, 0); // not what the entry says: no copy
    out.set(chunk, o);
    o += chunk.length;
  }
  return o === size ? out : out.subarray(0, o);
}
