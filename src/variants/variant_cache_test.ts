import assert from "node:assert/strict";
import { KvBlobStore } from "../blob_store/mod.ts";
import { fixedClock } from "../clock.ts";
import { type Computed, VariantCache } from "./mod.ts";

const HOUR = 3_600_000;

async function withCache(
  maxBytes: number,
  fn: (c: VariantCache, kv: Deno.Kv, clock: ReturnType<typeof fixedClock>) => Promise<void>,
) {
  const kv = await Deno.openKv(":memory:");
  const clock = fixedClock(Date.UTC(2026, 0, 1));
  // memoryBytes 0: every read goes to KV, which is what is under test here.
  const cache = new VariantCache(kv, new KvBlobStore(kv), () => Promise.resolve(false), clock, {
    maxBytes,
    memoryBytes: 0,
  });
  try {
    await fn(cache, kv, clock);
  } finally {
    kv.close();
  }
}

const bytes = (n: number, fill: number): Computed => ({
  bytes: new Uint8Array(n).fill(fill),
  mime: "image/png",
  width: 1,
  height: 1,
});

async function read(body: ReadableStream<Uint8Array> | Uint8Array): Promise<Uint8Array> {
  if (body instanceof Uint8Array) return body;
  return new Uint8Array(await new Response(body).arrayBuffer());
}

Deno.test("a variant is computed once, then read back from the blob store", async () => {
  await withCache(1_000_000, async (cache) => {
    let runs = 0;
    const compute = () => Promise.resolve((runs++, bytes(1000, 7)));
    const first = await cache.get("img0000001", "size=s", "src", compute);
    const again = await cache.get("img0000001", "size=s", "src", compute);
    assert.equal(runs, 1);
    assert.deepEqual(await read(again.body), await read(first.body));
    assert.equal(await cache.totalBytes(), 1000);
  });
});

Deno.test("concurrent identical requests share one computation", async () => {
  await withCache(1_000_000, async (cache) => {
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const compute = async () => {
      runs++;
      await gate;
      return bytes(500, 1);
    };
    const all = Array.from({ length: 6 }, () => cache.get("img0000001", "blur=3", "src", compute));
    await new Promise((r) => setTimeout(r, 10));
    release();
    const results = await Promise.all(all);
    assert.equal(runs, 1);
    for (const r of results) assert.equal(r.size, 500);
  });
});

Deno.test("past the size bound the least recently used variants are evicted", async () => {
  await withCache(3500, async (cache, kv, clock) => {
    for (const [i, key] of ["a", "b", "c"].entries()) {
      await cache.get("img0000001", key, "src", () => Promise.resolve(bytes(1000, i + 1)));
      clock.advance(2 * HOUR);
    }
    // Reading "a" makes it recent; "b" is now the least recently used.
    await (await cache.get("img0000001", "a", "src", () => assert.fail("cached"))).body;
    clock.advance(2 * HOUR);
    await cache.get("img0000001", "d", "src", () => Promise.resolve(bytes(1000, 4)));
    const keys: string[] = [];
    for await (const e of kv.list({ prefix: ["variant", "img0000001"] })) {
      keys.push(e.key[2] as string);
    }
    assert.deepEqual(keys.sort(), ["a", "c", "d"]);
    assert.equal(await cache.totalBytes(), 3000);
  });
});

Deno.test("deleteVariantsOf removes an image's variants and their accounting, not others'", async () => {
  await withCache(1_000_000, async (cache) => {
    await cache.get("img0000001", "a", "src", () => Promise.resolve(bytes(100, 1)));
    await cache.get("img0000001", "b", "src", () => Promise.resolve(bytes(200, 2)));
    await cache.get("img0000002", "a", "src", () => Promise.resolve(bytes(300, 3)));
    assert.equal(await cache.deleteVariantsOf("img0000001"), 2);
    assert.equal(await cache.totalBytes(), 300);
    let runs = 0;
    await cache.get("img0000002", "a", "src", () => Promise.resolve((runs++, bytes(300, 3))));
    assert.equal(runs, 0, "the other image's variant is still cached");
  });
});

Deno.test("a variant identical to its source points at the original and is never deleted with it", async () => {
  await withCache(1_000_000, async (cache, kv) => {
    const original = bytes(100, 9);
    const hash = Array.from(
      new Uint8Array(
        await crypto.subtle.digest("SHA-256", original.bytes as Uint8Array<ArrayBuffer>),
      ),
      (b) => b.toString(16).padStart(2, "0"),
    ).join("");
    const v = await cache.get("img0000001", "", hash, () => Promise.resolve(original));
    assert.equal(v.hash, hash);
    assert.equal(await cache.totalBytes(), 0, "not counted: the image owns those bytes");
    assert.equal((await kv.get(["blobmeta", hash])).value, null, "not stored a second time");
    assert.equal(await cache.deleteVariantsOf("img0000001"), 1);
  });
});

Deno.test("hot variants are served from this process's memory, filled from the blob store and dropped on delete", async () => {
  const kv = await Deno.openKv(":memory:");
  const clock = fixedClock(Date.UTC(2026, 0, 1));
  const open = (memoryBytes: number) =>
    new VariantCache(kv, new KvBlobStore(kv), () => Promise.resolve(false), clock, {
      maxBytes: 1_000_000,
      memoryBytes,
    });
  try {
    let runs = 0;
    const compute = () => Promise.resolve((runs++, bytes(1000, 9)));
    await open(0).get("img0000001", "size=s", "src", compute);
    // Another process (a fresh cache over the same KV) reads it from the blob store once…
    const hot = open(64_000);
    const fromKv = await hot.get("img0000001", "size=s", "src", compute);
    assert.ok(fromKv.body instanceof Uint8Array, "read whole, to be kept");
    // …and from memory after that: the KV copy can go and it is still served.
    for await (const e of kv.list({ prefix: ["variant", "img0000001"] })) await kv.delete(e.key);
    const fromMemory = await hot.get("img0000001", "size=s", "src", compute);
    assert.equal(runs, 1);
    assert.deepEqual(await read(fromMemory.body), new Uint8Array(1000).fill(9));
    // Deleting the image's variants (deletion, expiry) empties memory too.
    await hot.deleteVariantsOf("img0000001");
    await hot.get("img0000001", "size=s", "src", compute);
    assert.equal(runs, 2);
    // A variant over the memory bound is never kept, and still served.
    const big = open(500);
    const large = await big.get("img0000002", "w=9", "src", () => Promise.resolve(bytes(800, 3)));
    assert.equal((await read(large.body)).length, 800);
  } finally {
    kv.close();
  }
});

Deno.test("a variant whose blob went missing is forgotten and computed again", async () => {
  await withCache(1_000_000, async (cache, kv) => {
    let runs = 0;
    const compute = () => Promise.resolve((runs++, bytes(800, 3)));
    const first = await cache.get("img0000001", "size=m", "src", compute);
    // An operator (or a collector that raced it) removed the bytes behind the entry.
    await kv.delete(["blobmeta", first.hash]);
    const again = await cache.get("img0000001", "size=m", "src", compute);
    assert.equal(runs, 2);
    assert.deepEqual(await read(again.body), bytes(800, 3).bytes);
    assert.equal(await cache.totalBytes(), 800, "the lost entry's bytes are no longer counted");
  });
});

Deno.test("a stored variant's blob counts as referenced until the variant is deleted", async () => {
  await withCache(1_000_000, async (cache) => {
    const v = await cache.get("img0000001", "size=s", "src", () => Promise.resolve(bytes(300, 5)));
    assert.equal(await cache.isReferenced(v.hash), true);
    assert.equal(await cache.isReferenced("f".repeat(64)), false);
    assert.equal(await cache.deleteVariantsOf("img0000001"), 1);
    assert.equal(await cache.isReferenced(v.hash), false);
  });
});
