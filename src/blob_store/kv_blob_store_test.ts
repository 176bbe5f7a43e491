import assert from "node:assert/strict";
import { CHUNK_BYTES, KvBlobStore, TOUCH_WINDOW_MS } from "./mod.ts";

const bytesOf = (n: number, seed = 1) =>
  Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 255);
const readAll = async (body: ReadableStream<Uint8Array>) =>
  new Uint8Array(await new Response(body).arrayBuffer());
const never = () => Promise.resolve(false);
// Past the window in which a recently uploaded blob is left alone.
const LATER = 3 * TOUCH_WINDOW_MS;

Deno.test("a blob round-trips through 60 KiB chunks, streamed one chunk at a time", async () => {
  using kv = await Deno.openKv(":memory:");
  const blobs = new KvBlobStore(kv);
  const data = bytesOf(CHUNK_BYTES * 3 + 17);
  const stored = await blobs.put(data, 0);
  assert.equal(stored.size, data.length);
  const chunks = await Array.fromAsync(kv.list<Uint8Array>({ prefix: ["blob", stored.hash] }));
  assert.equal(chunks.length, 4);
  assert.ok(chunks.every((c) => c.value.length <= CHUNK_BYTES));
  const read = await blobs.read(stored.hash);
  const pieces: number[] = [];
  for await (const piece of read!.body) pieces.push(piece.length);
  assert.deepEqual(pieces, [CHUNK_BYTES, CHUNK_BYTES, CHUNK_BYTES, 17]);
  assert.deepEqual(await readAll((await blobs.read(stored.hash))!.body), data);
});

Deno.test("the same bytes are stored once", async () => {
  using kv = await Deno.openKv(":memory:");
  const blobs = new KvBlobStore(kv);
  const a = await blobs.put(bytesOf(1000), 0);
  const b = await blobs.put(bytesOf(1000), 1);
  assert.equal(a.hash, b.hash);
  assert.equal((await Array.fromAsync(kv.list({ prefix: ["blob", a.hash] }))).length, 1);
});

Deno.test("a referenced blob is kept and an unreferenced one deleted with its chunks", async () => {
  using kv = await Deno.openKv(":memory:");
  const blobs = new KvBlobStore(kv);
  const { hash } = await blobs.put(bytesOf(CHUNK_BYTES * 2), 0);
  assert.equal(await blobs.delete(hash, () => Promise.resolve(true), LATER), false);
  assert.ok(await blobs.stat(hash));
  assert.equal(await blobs.delete(hash, never, LATER), true);
  assert.equal(await blobs.stat(hash), null);
  assert.equal(await blobs.read(hash), null);
  assert.equal((await Array.fromAsync(kv.list({ prefix: ["blob"] }))).length, 0);
});

Deno.test("a delete that races a re-upload of the same bytes cannot remove the new copy", async () => {
  using kv = await Deno.openKv(":memory:");
  const blobs = new KvBlobStore(kv);
  const data = bytesOf(CHUNK_BYTES + 5);
  const { hash } = await blobs.put(data, 0);
  // The re-upload touches the blob after the deleter looked for references.
  const deleted = await blobs.delete(hash, async () => {
    await blobs.put(data, LATER);
    return false;
  }, LATER);
  assert.equal(deleted, false);
  assert.deepEqual(await readAll((await blobs.read(hash))!.body), data);
});

Deno.test("an event guarded by a deleted blob cannot commit", async () => {
  using kv = await Deno.openKv(":memory:");
  const blobs = new KvBlobStore(kv);
  const stored = await blobs.put(bytesOf(10), 0);
  assert.ok(await blobs.delete(stored.hash, never, LATER));
  const op = kv.atomic();
  for (const g of stored.guards) op.check(g);
  assert.equal((await op.set(["event"], 1).commit()).ok, false);
});

Deno.test("garbage collection removes unreferenced blobs and stray generations after the grace period", async () => {
  using kv = await Deno.openKv(":memory:");
  const blobs = new KvBlobStore(kv);
  const kept = await blobs.put(bytesOf(100, 1), 0);
  const orphan = await blobs.put(bytesOf(100, 2), 0);
  // A write that died after its chunks but before its meta record.
  await kv.set(["bgen", "f".repeat(64), "stray"], { chunks: 1, created_at: 0 });
  await kv.set(["blob", "f".repeat(64), "stray", 0], bytesOf(5));
  const fresh = await blobs.put(bytesOf(100, 3), LATER);
  const referenced = (h: string) => Promise.resolve(h === kept.hash);
  const res = await blobs.collect(LATER, LATER / 2, referenced);
  assert.deepEqual(res, { blobs: 1, generations: 1 });
  assert.ok(await blobs.stat(kept.hash));
  assert.ok(await blobs.stat(fresh.hash), "inside the grace period");
  assert.equal(await blobs.stat(orphan.hash), null);
  assert.equal((await Array.fromAsync(kv.list({ prefix: ["blob", "f".repeat(64)] }))).length, 0);
});

Deno.test("concurrent uploads of the same bytes keep each other's guards valid", async () => {
  using kv = await Deno.openKv(":memory:");
  const blobs = new KvBlobStore(kv);
  const data = bytesOf(CHUNK_BYTES + 1);
  const stored = await Promise.all(Array.from({ length: 8 }, (_, i) => blobs.put(data, i)));
  for (const s of stored) {
    const op = kv.atomic();
    for (const g of s.guards) op.check(g);
    assert.ok((await op.set(["event", s.guards[0].versionstamp ?? ""], 1).commit()).ok);
  }
});

Deno.test("a blob uploaded moments ago is not deleted even without a reference yet", async () => {
  using kv = await Deno.openKv(":memory:");
  const blobs = new KvBlobStore(kv);
  const { hash } = await blobs.put(bytesOf(10), 1_000);
  assert.equal(await blobs.delete(hash, never, 1_000 + TOUCH_WINDOW_MS), false);
  assert.ok(await blobs.stat(hash));
});

Deno.test("a large blob streams in getMany batches and ranged reads return exactly the range", async () => {
  using kv = await Deno.openKv(":memory:");
  const blobs = new KvBlobStore(kv);
  const data = bytesOf(CHUNK_BYTES * 25 + 5, 9);
  const { hash } = await blobs.put(data, 0);
  assert.deepEqual(await readAll((await blobs.read(hash))!.body), data);
  for (
    const [start, end] of [
      [0, 1],
      [CHUNK_BYTES - 1, CHUNK_BYTES + 1],
      [1000, CHUNK_BYTES * 12 + 3],
      [
        CHUNK_BYTES * 25,
        data.length,
      ],
      [5, 10 ** 9],
    ]
  ) {
    const read = await blobs.read(hash, { start, end });
    assert.deepEqual(await readAll(read!.body), data.subarray(start, end), `${start}-${end}`);
  }
  assert.ok(await blobs.bytesPresent(hash));
});

Deno.test("a blob that was never stored reads as missing and is not deleted", async () => {
  using kv = await Deno.openKv(":memory:");
  const blobs = new KvBlobStore(kv);
  const hash = "0".repeat(64);
  assert.equal(await blobs.stat(hash), null);
  assert.equal(await blobs.read(hash), null);
  assert.equal(await blobs.bytesPresent(hash), false);
  assert.equal(await blobs.delete(hash, never, LATER), false);
});

Deno.test("an empty blob has no chunks and reads back empty", async () => {
  using kv = await Deno.openKv(":memory:");
  const blobs = new KvBlobStore(kv);
  const stored = await blobs.put(new Uint8Array(0), 0);
  assert.equal(stored.size, 0);
  assert.equal((await Array.fromAsync(kv.list({ prefix: ["blob", stored.hash] }))).length, 0);
  assert.deepEqual(await readAll((await blobs.read(stored.hash))!.body), new Uint8Array(0));
  assert.ok(await blobs.bytesPresent(stored.hash));
});

Deno.test("a lost chunk errors the stream and the bytes count as absent", async () => {
  using kv = await Deno.openKv(":memory:");
  const blobs = new KvBlobStore(kv);
  const { hash } = await blobs.put(bytesOf(CHUNK_BYTES * 2 + 1), 0);
  const [, , last] = await Array.fromAsync(kv.list({ prefix: ["blob", hash] }));
  await kv.delete(last.key);
  await assert.rejects(readAll((await blobs.read(hash))!.body), /lost chunk 2/);
  assert.equal(await blobs.bytesPresent(hash), false);
});

Deno.test("a read fetches at most 10 chunks per getMany, no more than one batch ahead", async () => {
  using kv = await Deno.openKv(":memory:");
  const batches: number[] = [];
  const counted = new Proxy(kv, {
    get(target, prop) {
      if (prop === "getMany") {
        return (keys: Deno.KvKey[]) => {
          batches.push(keys.length);
          return target.getMany(keys);
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  const blobs = new KvBlobStore(counted);
  const data = bytesOf(CHUNK_BYTES * 25 + 5, 4);
  const { hash } = await blobs.put(data, 0);
  const body = (await blobs.read(hash))!.body;
  // The stream keeps one batch ready (highWaterMark 1); the rest waits for the consumer.
  assert.ok(batches.length <= 1, `${batches.length} batches fetched before any read`);
  assert.deepEqual(await readAll(body), data);
  assert.deepEqual(batches, [10, 10, 6]);
});
