import assert from "node:assert/strict";
import { CAPTION_MAX, METADATA_MAX_FIELDS, METADATA_VALUE_MAX } from "../../domain/image/events.ts";
import { assertWithinLimits, keys, KV_LIMITS, KvLimitError } from "./mod.ts";
import { FRESH, memoryStore, META, uploadedData } from "../../tests/support/store.ts";
import { streams } from "../../domain/streams.ts";

const ev = (id: string, over: Record<string, unknown> = {}) => ({
  type: "ImageUploaded",
  schema: 1,
  data: uploadedData(id, over),
});

Deno.test("two concurrent writers on one stream never both succeed", async () => {
  using s = await memoryStore();
  for (let round = 0; round < 20; round++) {
    const stream = streams.image(`race${String(round).padStart(6, "0")}`);
    const results = await Promise.all([
      s.store.append({
        writes: [{ stream, expected: FRESH, events: [ev("race000001")] }],
        meta: META,
      }),
      s.store.append({
        writes: [{ stream, expected: FRESH, events: [ev("race000002")] }],
        meta: META,
      }),
    ]);
    assert.equal(results.filter((r) => r.ok).length, 1, `round ${round}`);
    const { events, head } = await s.store.readStream(stream);
    assert.equal(head.version, 1);
    assert.equal(events.length, 1);
  }
});

Deno.test("an append with a stale expected version is a conflict and writes nothing", async () => {
  using s = await memoryStore();
  const first = await s.store.append({
    writes: [{ stream: streams.image("a"), expected: FRESH, events: [ev("aaaaaaaaaa")] }],
    meta: META,
  });
  assert.ok(first.ok);
  const stale = await s.store.append({
    writes: [{
      stream: streams.image("a"),
      expected: FRESH,
      events: [{ type: "ImageExpired", schema: 1, data: { id: "aaaaaaaaaa", expired_at: 1 } }],
    }],
    meta: META,
  });
  assert.deepEqual(stale, { ok: false, reason: "conflict" });
  assert.equal((await s.store.readStream(streams.image("a"))).events.length, 1);
});

Deno.test("one append over two streams commits both or neither", async () => {
  using s = await memoryStore();
  await s.store.append({
    writes: [{ stream: streams.image("b"), expected: FRESH, events: [ev("bbbbbbbbbb")] }],
    meta: META,
  });
  const res = await s.store.append({
    writes: [
      { stream: streams.image("c"), expected: FRESH, events: [ev("cccccccccc")] },
      { stream: streams.image("b"), expected: FRESH, events: [ev("bbbbbbbbbb")] },
    ],
    meta: META,
  });
  assert.equal(res.ok, false);
  assert.equal((await s.store.head(streams.image("c"))).version, 0);
});

Deno.test("the log is in commit order with no gaps and names every event once", async () => {
  using s = await memoryStore();
  const ids = Array.from({ length: 30 }, (_, i) => `log${String(i).padStart(7, "0")}`);
  await Promise.all(
    ids.map((id) =>
      s.store.append({
        writes: [{ stream: streams.image(id), expected: FRESH, events: [ev(id)] }],
        meta: META,
      })
    ),
  );
  const seen: string[] = [];
  let last = "";
  for await (const commit of s.store.readLog()) {
    assert.ok(commit.versionstamp > last, "versionstamps increase");
    last = commit.versionstamp;
    for (const e of commit.events) seen.push((e.data as { id: string }).id);
  }
  assert.deepEqual(seen.toSorted(), ids.toSorted());
  // Reading from a position returns exactly the rest.
  let count = 0;
  let third = "";
  for await (const c of s.store.readLog()) if (++count === 3) third = c.versionstamp;
  let rest = 0;
  for await (const _ of s.store.readLog(third)) rest++;
  assert.equal(rest, ids.length - 3);
});

Deno.test("an idempotency key lets only the first append through", async () => {
  using s = await memoryStore();
  const idem = { key: "k1", record: { answer: 1 }, expireInMs: 60_000 };
  const a = await s.store.append({
    writes: [{ stream: streams.image("d"), expected: FRESH, events: [ev("dddddddddd")] }],
    meta: META,
    idempotency: idem,
  });
  assert.ok(a.ok);
  const b = await s.store.append({
    writes: [{ stream: streams.image("e"), expected: FRESH, events: [ev("eeeeeeeeee")] }],
    meta: META,
    idempotency: { ...idem, record: { answer: 2 } },
  });
  assert.deepEqual(b, { ok: false, reason: "duplicate" });
  assert.deepEqual(await s.store.command("k1"), { answer: 1 });
  assert.equal((await s.store.head(streams.image("e"))).version, 0);
});

Deno.test("inline projections are written in the same commit as the events", async () => {
  using s = await memoryStore();
  await s.store.append({
    writes: [{ stream: streams.image("ffffffffff"), expected: FRESH, events: [ev("ffffffffff")] }],
    meta: META,
  });
  const doc = await s.kv.get(keys.doc("images", "v1", ["ffffffffff"]));
  assert.equal((doc.value as { status: string }).status, "live");
  const expiry = await Array.fromAsync(
    s.kv.list({ prefix: keys.indexPrefix("images", "v1", ["expiry"]) }),
  );
  assert.equal(expiry.length, 1);
});

Deno.test("the largest event the schemas allow fits in KV, and the limit checker refuses what would not", async () => {
  using s = await memoryStore();
  // Two-byte characters are the worst case for V8's serialisation of strings.
  const wide = "é".repeat(METADATA_VALUE_MAX);
  const metadata = Object.fromEntries(
    Array.from({ length: METADATA_MAX_FIELDS }, (_, i) => [`f${i}`.padEnd(64, "x"), wide]),
  );
  const big = ev("hhhhhhhhhh", {
    caption: "ü".repeat(CAPTION_MAX),
    metadata,
    source_url: "https://x.test/" + "a".repeat(2000),
  });
  const res = await s.store.append({
    writes: [{ stream: streams.image("hhhhhhhhhh"), expected: FRESH, events: [big] }],
    meta: META,
  });
  assert.ok(res.ok);
  // Too big to be copied into the log record: the log still yields it, read by key.
  const small = await s.store.append({
    writes: [{ stream: streams.image("iiiiiiiiii"), expected: FRESH, events: [ev("iiiiiiiiii")] }],
    meta: META,
  });
  assert.ok(small.ok);
  const logged = await Array.fromAsync(s.store.readLog());
  assert.deepEqual(logged.map((c) => c.events[0].data), [big.data, ev("iiiiiiiiii").data]);
  const records = await Array.fromAsync(s.kv.list<{ events?: unknown[] }>({ prefix: ["log"] }));
  assert.deepEqual(
    records.filter((r) => r.key[1] !== "~head").map((r) => r.value.events?.length ?? 0),
    [0, 1],
  );
  assert.throws(
    () =>
      assertWithinLimits(1, [{ type: "set", key: ["x"], value: "a".repeat(KV_LIMITS.valueBytes) }]),
    KvLimitError,
  );
  assert.throws(
    () => assertWithinLimits(1, [{ type: "delete", key: ["x".repeat(KV_LIMITS.keyBytes)] }]),
    KvLimitError,
  );
  assert.throws(() => assertWithinLimits(11, []), KvLimitError);
  const many = Array.from({ length: 1001 }, (_, i) => ({ type: "delete" as const, key: ["k", i] }));
  assert.throws(() => assertWithinLimits(1, many), KvLimitError);
});

Deno.test("a writer's cached documents never hide another writer's change to the stream", async () => {
  using s = await memoryStore();
  const { EventStore } = await import("./mod.ts");
  const a = s.store;
  const b = new EventStore(s.kv, s.store.projections);
  const id = "docc000001";
  const stream = streams.image(id);
  const change = (type: string, data: Record<string, unknown>) => ({
    type,
    schema: 1,
    data: { id, ...data },
  });
  assert.ok(
    (await a.append({ writes: [{ stream, expected: FRESH, events: [ev(id)] }], meta: META })).ok,
  );
  // a now holds the document in its cache; b changes the stream behind its back.
  assert.ok(
    (await b.append({
      writes: [{
        stream,
        expected: await b.head(stream),
        events: [change("CaptionChanged", { caption: "by b" })],
      }],
      meta: META,
    })).ok,
  );
  assert.ok(
    (await a.append({
      writes: [{
        stream,
        expected: await a.head(stream),
        events: [change("MetadataChanged", { metadata: { by: "a" } })],
      }],
      meta: META,
    })).ok,
  );
  const doc = (await s.kv.get<{ caption?: string; metadata?: unknown; version: number }>(
    keys.doc("images", "v1", [id]),
  )).value!;
  assert.equal(doc.caption, "by b");
  assert.deepEqual(doc.metadata, { by: "a" });
  assert.equal(doc.version, 3);
  assert.deepEqual(
    (await import("../replay/replay.ts").then((m) => m.replay(a))).differences,
    [],
  );
});
