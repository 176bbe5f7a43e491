import assert from "node:assert/strict";
import { keys } from "../src/event_store/mod.ts";
import { replay } from "../src/replay/replay.ts";
import { FRESH, memoryStore, META, uploadedData } from "./support/store.ts";
import { streams } from "../domain/streams.ts";

async function seed(store: Awaited<ReturnType<typeof memoryStore>>["store"], n: number) {
  for (let i = 0; i < n; i++) {
    const id = `rep${String(i).padStart(7, "0")}`;
    await store.append({
      writes: [{
        stream: streams.image(id),
        expected: FRESH,
        events: [{ type: "ImageUploaded", schema: 1, data: uploadedData(id) }],
      }],
      meta: META,
    });
    if (i % 3 === 0) {
      const head = await store.head(streams.image(id));
      await store.append({
        writes: [{
          stream: streams.image(id),
          expected: head,
          events: [{ type: "ImageExpired", schema: 1, data: { id, expired_at: 9 } }],
        }],
        meta: META,
      });
    }
  }
}

Deno.test("replay of an untouched log reports no difference", async () => {
  using s = await memoryStore();
  await seed(s.store, 12);
  const report = await replay(s.store);
  assert.equal(report.streams, 12);
  assert.equal(report.events, 16);
  assert.equal(report.commits, 16);
  assert.deepEqual(report.differences, []);
});

Deno.test("replay finds a changed, a missing and an extra document", async () => {
  using s = await memoryStore();
  await seed(s.store, 6);
  const id = ["rep0000001"];
  const live = await s.kv.get<Record<string, unknown>>(keys.doc("images", "v1", id));
  await s.kv.set(keys.doc("images", "v1", id), { ...live.value, width: 9999 });
  await s.kv.delete(keys.doc("images", "v1", ["rep0000002"]));
  await s.kv.set(keys.doc("images", "v1", ["ghost00000"]), { id: "ghost00000" });
  await s.kv.delete(keys.index("images", "v1", ["expiry", 1_700_086_400], ["rep0000004"]));
  const report = await replay(s.store);
  const kinds = report.differences.map((d) => `${d.projection} ${d.key} ${d.kind}`).sort();
  assert.deepEqual(kinds, [
    'images ["ghost00000"] extra',
    'images ["rep0000001"] changed',
    'images ["rep0000002"] missing',
    'images:index ["expiry",1700086400,"rep0000004"] missing',
  ]);
});

Deno.test("replay --apply switches to the rebuilt generation and later appends land there", async () => {
  using s = await memoryStore();
  await seed(s.store, 4);
  await s.kv.delete(keys.doc("images", "v1", ["rep0000002"]));
  const applied = await replay(s.store, { apply: true, now: 1234 });
  assert.equal(applied.differences.length, 1);
  assert.equal(applied.applied?.images, "v1-ya");
  assert.equal((await replay(s.store)).differences.length, 0);
  // The replaced generation is kept for readers whose cached generation is a second old; the
  // next switch removes it.
  const count = async (gen: string) =>
    (await Array.fromAsync(s.kv.list({ prefix: keys.generation("images", gen) }))).length;
  assert.ok(await count("v1") > 0);
  await replay(s.store, { apply: true, now: 5678 });
  assert.equal(await count("v1"), 0);
  assert.ok(await count("v1-ya") > 0);
  const latest = (await s.store.generations(true)).value.images;

  await s.store.append({
    writes: [{
      stream: streams.image("late000000"),
      expected: FRESH,
      events: [{ type: "ImageUploaded", schema: 1, data: uploadedData("late000000") }],
    }],
    meta: META,
  });
  assert.ok((await s.kv.get(keys.doc("images", latest, ["late000000"]))).value);
  assert.equal((await replay(s.store)).differences.length, 0);
});

Deno.test("an append prepared before a switch is redone in the new generation", async () => {
  using s = await memoryStore();
  await seed(s.store, 2);
  await s.store.generations(); // cache the old generation, as a running server would
  const { EventStore } = await import("../src/event_store/mod.ts");
  await replay(new EventStore(s.kv, s.store.projections), { apply: true, now: 99 });
  await s.store.append({
    writes: [{
      stream: streams.image("stale00000"),
      expected: FRESH,
      events: [{ type: "ImageUploaded", schema: 1, data: uploadedData("stale00000") }],
    }],
    meta: META,
  });
  assert.equal((await replay(s.store)).differences.length, 0);
});

Deno.test("replay past its memory budget diffs KV ranges and finds the same differences", async () => {
  using s = await memoryStore();
  await seed(s.store, 9);
  await s.kv.set(keys.doc("images", "v1", ["rep0000001"]), { id: "rep0000001", width: 1 });
  await s.kv.delete(keys.doc("images", "v1", ["rep0000005"]));
  await s.kv.set(keys.doc("images", "v1", ["a-ghost"]), { id: "a-ghost" });
  await s.kv.set(keys.index("images", "v1", ["expiry", 5], ["zzz"]), ["zzz"]);
  const spilled = await replay(s.store, { docsInMemory: 0 });
  const inMemory = await replay(s.store);
  const kinds = (r: typeof spilled) =>
    r.differences.map((d) => `${d.projection} ${d.key} ${d.kind}`).sort();
  assert.deepEqual(kinds(spilled), [
    'images ["a-ghost"] extra',
    'images ["rep0000001"] changed',
    'images ["rep0000005"] missing',
    'images:index ["expiry",5,"zzz"] extra',
  ]);
  assert.deepEqual(kinds(spilled), kinds(inMemory));
  assert.equal(spilled.documents, inMemory.documents);
  // The scratch generation is gone afterwards: only the live one is under "images".
  const gens = new Set<string>();
  for await (const e of s.kv.list({ prefix: ["p", "images"] })) gens.add(String(e.key[2]));
  assert.deepEqual([...gens], ["v1"]);
});

Deno.test("replay past its memory budget reports a missing index entry", async () => {
  using s = await memoryStore();
  await seed(s.store, 6);
  await s.kv.delete(keys.index("images", "v1", ["expiry", 1_700_086_400], ["rep0000004"]));
  const report = await replay(s.store, { docsInMemory: 0 });
  assert.deepEqual(report.differences.map((d) => `${d.projection} ${d.key} ${d.kind}`), [
    'images:index ["expiry",1700086400,"rep0000004"] missing',
  ]);
});
