import assert from "node:assert/strict";
import { MemoryLru } from "./memory_lru.ts";

const keysOf = (lru: MemoryLru<string>, candidates: string[]) =>
  candidates.filter((k) => lru.get(k) !== undefined);

Deno.test("entries are held while their sizes fit the byte bound", () => {
  const lru = new MemoryLru<string>(100);
  lru.set("a", "A", 40);
  lru.set("b", "B", 60);
  assert.equal(lru.bytes, 100);
  assert.equal(lru.get("a"), "A");
  assert.equal(lru.get("b"), "B");
  assert.equal(lru.get("c"), undefined);
});

Deno.test("going over the bound evicts the least recently used entries first", () => {
  const lru = new MemoryLru<string>(100);
  lru.set("a", "A", 30);
  lru.set("b", "B", 30);
  lru.set("c", "C", 30);
  lru.get("a"); // a is now the most recently used, b the least
  lru.set("d", "D", 30);
  assert.equal(lru.bytes, 90);
  assert.equal(lru.get("b"), undefined);
  assert.deepEqual(keysOf(lru, ["a", "c", "d"]), ["a", "c", "d"]);
});

Deno.test("one large entry evicts as many old ones as it needs", () => {
  const lru = new MemoryLru<string>(100);
  for (const k of ["a", "b", "c", "d"]) lru.set(k, k, 25);
  lru.set("big", "BIG", 70);
  assert.equal(lru.bytes, 95);
  assert.deepEqual(keysOf(lru, ["a", "b", "c", "d", "big"]), ["d", "big"]);
});

Deno.test("an entry larger than the bound is not kept and evicts nothing", () => {
  const lru = new MemoryLru<string>(100);
  lru.set("a", "A", 50);
  lru.set("huge", "H", 101);
  assert.equal(lru.get("huge"), undefined);
  assert.equal(lru.get("a"), "A");
  assert.equal(lru.bytes, 50);
});

Deno.test("setting a key again replaces its value and size", () => {
  const lru = new MemoryLru<string>(100);
  lru.set("a", "A1", 40);
  lru.set("a", "A2", 10);
  assert.equal(lru.get("a"), "A2");
  assert.equal(lru.bytes, 10);
});

Deno.test("delete and deleteWhere invalidate entries and give their bytes back", () => {
  const lru = new MemoryLru<string>(100);
  lru.set("img1\ns", "1s", 10);
  lru.set("img1\nm", "1m", 20);
  lru.set("img2\ns", "2s", 30);
  lru.delete("img2\ns");
  lru.delete("never-set");
  assert.equal(lru.bytes, 30);
  lru.deleteWhere((k) => k.startsWith("img1\n"));
  assert.equal(lru.bytes, 0);
  assert.deepEqual(keysOf(lru, ["img1\ns", "img1\nm", "img2\ns"]), []);
});
