import { isDeepStrictEqual } from "node:util";
import type { StoredEvent } from "../../domain/event_envelope.ts";
import { foldDocs, type KeyPart, type Projection } from "../../projections/mod.ts";
import { type EventStore, type Generations, initialGeneration, keys } from "../event_store/mod.ts";
import { kvKeys } from "../kv_keys.ts";
import { canonical, Fingerprint } from "./fingerprint.ts";
import { mergeByKey } from "./key_order.ts";

export type Difference = { projection: string; key: string; kind: "missing" | "extra" | "changed" };

export type ReplayReport = {
  commits: number;
  streams: number;
  events: number;
  documents: number;
  differences: Difference[];
  applied?: Generations;
  /** The log kept moving through every pass: the differences may include commits in flight. */
  inconclusive?: boolean;
};

/** KV takes up to 1,000 mutations and 800 KiB per atomic; documents are a few hundred bytes. */
const WRITES_PER_ATOMIC = 1000;
const BYTES_PER_ATOMIC = 400_000;
const MAX_PASSES = 3;
/** Rebuilt documents a dry run keeps in memory (~20 MB) before spilling to KV. */
const DOCS_IN_MEMORY = 10_000;

type Docs = Map<string, { id: KeyPart[]; doc: unknown }>;

/**
 * Rebuilds every projection from the events and diffs the result against the live generation;
 * with `apply`, switches to the rebuilt generation atomically.
 *
 * Memory stays flat at any size: each document belongs to exactly one stream, so streams are
 * folded one at a time (in key order). A dry run first compares order-independent fingerprints
 * of the rebuilt and the live documents and indexes (constant memory, no writes); only when they
 * disagree are the differences listed. A small store is diffed in memory; past DOCS_IN_MEMORY
 * documents (and always with `apply`) they go into a scratch generation in KV and the diff walks
 * the live and the scratch ranges side by side in key order. Without `apply` the scratch
 * generation is removed afterwards.
 */
export async function replay(
  store: EventStore,
  opts: ReplayOptions = {},
): Promise<ReplayReport> {
  // A commit landing between the rebuild and the diff would show as a false difference: when
  // the log moved during a pass, the pass is run again.
  for (let attempt = 1;; attempt++) {
    const pass = await rebuildAndDiff(store, opts);
    const moved = (await store.kv.get(keys.logHead())).versionstamp !== pass.logHead.versionstamp;
    if (!moved || attempt === MAX_PASSES) {
      const report = { ...pass.report, ...(moved ? { inconclusive: true } : {}) };
      if (opts.apply) return await switchGeneration(store, pass, report);
      await dropGenerations(store, pass.scratch);
      return report;
    }
    await dropGenerations(store, pass.scratch);
  }
}

type Pass = Awaited<ReturnType<typeof rebuildAndDiff>>;

export type ReplayOptions = {
  apply?: boolean;
  now?: number;
  onProgress?: (events: number) => void;
  /** Documents a dry run may hold in memory before spilling to KV (DOCS_IN_MEMORY). */
  docsInMemory?: number;
};

async function rebuildAndDiff(store: EventStore, opts: ReplayOptions) {
  const kv = store.kv;
  const logHead = await kv.get(keys.logHead());
  const gens = await store.generations(true);
  const live = (p: Projection<unknown>) => gens.value[p.name] ?? initialGeneration(p);
  if (!opts.apply) {
    const quick = await fingerprintsAgree(store, live, opts);
    if (quick) return { report: quick, logHead, gens, scratch: {} as Generations };
  }
  const suffix = opts.apply
    ? (opts.now ?? Date.now()).toString(36)
    : `check-${crypto.randomUUID().slice(0, 8)}`;
  const scratch: Generations = {};
  for (const p of store.projections) {
    const name = `${initialGeneration(p)}-${suffix}`;
    // Never rebuild into the generation being compared with (the same `now` twice).
    scratch[p.name] = name === live(p) ? `${name}-${crypto.randomUUID().slice(0, 4)}` : name;
  }

  // Small stores are diffed in memory (fast); past DOCS_IN_MEMORY documents the rebuild spills
  // to the scratch generation and the diff walks KV ranges (flat memory at any size).
  const writer = new BatchWriter(kv);
  let held: Map<string, Docs> | null = opts.apply
    ? null
    : new Map(store.projections.map((p) => [p.name, new Map()]));
  let heldCount = 0;
  const write = async (p: Projection<unknown>, id: KeyPart[], doc: unknown) => {
    await writer.set(keys.doc(p.name, scratch[p.name], id), doc);
    for (const at of p.indexes?.(doc) ?? []) {
      await writer.set(keys.index(p.name, scratch[p.name], at, id), id);
    }
  };
  let streams = 0;
  let events = 0;
  let documents = 0;
  const foldStream = async (batch: StoredEvent[]) => {
    if (batch.length === 0) return;
    streams++;
    const before = events;
    events += batch.length;
    for (const p of store.projections) {
      for (const [key, { id, doc }] of foldDocs(p, batch)) {
        documents++;
        if (held) {
          held.get(p.name)!.set(key, { id, doc });
          heldCount++;
        } else await write(p, id, doc);
      }
    }
    if (held && heldCount > (opts.docsInMemory ?? DOCS_IN_MEMORY)) {
      for (const p of store.projections) {
        for (const { id, doc } of held.get(p.name)!.values()) await write(p, id, doc);
      }
      held = null;
    }
    if (opts.onProgress && Math.floor(events / 10_000) > Math.floor(before / 10_000)) {
      opts.onProgress(events);
    }
  };
  for await (const batch of streamsInKeyOrder(store)) await foldStream(batch);
  await writer.flush();

  const commits = await countCommits(kv);

  const differences: Difference[] = [];
  for (const p of store.projections) {
    differences.push(
      ...held
        ? await diffInMemory(kv, p, live(p), held.get(p.name)!)
        : await diff(kv, p, live(p), scratch[p.name]),
    );
  }
  const report: ReplayReport = { commits, streams, events, documents, differences };
  return { report, logHead, gens, scratch };
}

async function* range(kv: Deno.Kv, prefix: Deno.KvKey) {
  for await (const entry of kv.list({ prefix }, { batchSize: 1000 })) {
    yield { key: entry.key.slice(prefix.length) as KeyPart[], value: entry.value };
  }
}

async function diff(
  kv: Deno.Kv,
  p: Projection<unknown>,
  liveGen: string,
  rebuiltGen: string,
): Promise<Difference[]> {
  const out: Difference[] = [];
  const docs = mergeByKey(
    range(kv, keys.docs(p.name, liveGen)),
    range(kv, keys.docs(p.name, rebuiltGen)),
  );
  for await (const { key, left, right } of docs) {
    const id = JSON.stringify(key);
    if (right === undefined) out.push({ projection: p.name, key: id, kind: "extra" });
    else if (left === undefined) out.push({ projection: p.name, key: id, kind: "missing" });
    else if (!isDeepStrictEqual(left, right)) {
      out.push({ projection: p.name, key: id, kind: "changed" });
    }
  }
  const indexes = mergeByKey(
    range(kv, keys.indexPrefix(p.name, liveGen)),
    range(kv, keys.indexPrefix(p.name, rebuiltGen)),
  );
  for await (const { key, left, right } of indexes) {
    const id = JSON.stringify(key);
    if (right === undefined) out.push({ projection: `${p.name}:index`, key: id, kind: "extra" });
    else if (left === undefined) {
      out.push({ projection: `${p.name}:index`, key: id, kind: "missing" });
    }
  }
  return out;
}

/** Stream events sit at ["s", stream, version] in version order ("head" sorts before them). */
async function* streamsInKeyOrder(store: EventStore): AsyncGenerator<StoredEvent[]> {
  let current: string | null = null;
  let batch: StoredEvent[] = [];
  for await (
    const entry of store.kv.list<StoredEvent>({ prefix: keys.streams() }, { batchSize: 1000 })
  ) {
    if (typeof entry.key[2] !== "number") continue;
    const stream = entry.key[1] as string;
    if (stream !== current) {
      if (batch.length) yield batch;
      batch = [];
      current = stream;
    }
    batch.push(entry.value);
  }
  if (batch.length) yield batch;
}

async function countCommits(kv: Deno.Kv): Promise<number> {
  let commits = 0;
  for await (const _ of kv.list({ start: keys.log(), end: keys.logEnd() }, { batchSize: 1000 })) {
    commits++;
  }
  return commits;
}

const docText = (id: KeyPart[], doc: unknown) => `${JSON.stringify(id)}\n${canonical(doc)}`;

/**
 * The report of a clean replay, or null when the fingerprints of the rebuilt and the live
 * projections disagree (then the differences must be listed the exact way).
 */
async function fingerprintsAgree(
  store: EventStore,
  live: (p: Projection<unknown>) => string,
  opts: ReplayOptions,
): Promise<ReplayReport | null> {
  const rebuilt = new Map(
    store.projections.map((p) => [p.name, { docs: new Fingerprint(), index: new Fingerprint() }]),
  );
  let streams = 0;
  let events = 0;
  let documents = 0;
  for await (const batch of streamsInKeyOrder(store)) {
    streams++;
    const before = events;
    events += batch.length;
    for (const p of store.projections) {
      const f = rebuilt.get(p.name)!;
      for (const { id, doc } of foldDocs(p, batch).values()) {
        documents++;
        f.docs.add(docText(id, doc));
        for (const at of p.indexes?.(doc) ?? []) f.index.add(JSON.stringify([...at, ...id]));
      }
    }
    if (opts.onProgress && Math.floor(events / 10_000) > Math.floor(before / 10_000)) {
      opts.onProgress(events);
    }
  }
  for (const p of store.projections) {
    const docs = new Fingerprint();
    for await (const { key, value } of range(store.kv, keys.docs(p.name, live(p)))) {
      docs.add(docText(key, value));
    }
    const index = new Fingerprint();
    for await (const { key } of range(store.kv, keys.indexPrefix(p.name, live(p)))) {
      index.add(JSON.stringify(key));
    }
    const f = rebuilt.get(p.name)!;
    if (!f.docs.equals(docs) || !f.index.equals(index)) return null;
  }
  return { commits: await countCommits(store.kv), streams, events, documents, differences: [] };
}

async function diffInMemory(
  kv: Deno.Kv,
  p: Projection<unknown>,
  gen: string,
  docs: Docs,
): Promise<Difference[]> {
  const out: Difference[] = [];
  const expectedIndex = new Set<string>();
  for (const { id, doc } of docs.values()) {
    for (const at of p.indexes?.(doc) ?? []) expectedIndex.add(JSON.stringify([...at, ...id]));
  }
  const seen = new Set<string>();
  for await (const { key: id, value } of range(kv, keys.docs(p.name, gen))) {
    const key = JSON.stringify(id);
    seen.add(key);
    const want = docs.get(key);
    if (!want) out.push({ projection: p.name, key, kind: "extra" });
    else if (!isDeepStrictEqual(want.doc, value)) {
      out.push({ projection: p.name, key, kind: "changed" });
    }
  }
  for (const key of docs.keys()) {
    if (!seen.has(key)) out.push({ projection: p.name, key, kind: "missing" });
  }
  for await (const { key: at } of range(kv, keys.indexPrefix(p.name, gen))) {
    const key = JSON.stringify(at);
    if (!expectedIndex.delete(key)) out.push({ projection: `${p.name}:index`, key, kind: "extra" });
  }
  for (const key of expectedIndex) {
    out.push({ projection: `${p.name}:index`, key, kind: "missing" });
  }
  return out;
}

async function switchGeneration(
  store: EventStore,
  pass: Pass,
  report: ReplayReport,
): Promise<ReplayReport> {
  const { kv } = store;
  const { gens, scratch, logHead } = pass;
  const next: Generations = { ...gens.value, ...scratch };
  // Switch only if no event landed since the rebuild began; otherwise the new generation would
  // miss it. Appends check the generations key, so none can land in the old one afterwards.
  const previous = await kv.get<Generations>(PREVIOUS_GENERATIONS);
  const replaced: Generations = Object.fromEntries(
    store.projections.map((p) => [p.name, gens.value[p.name] ?? initialGeneration(p)]),
  );
  const res = await kv.atomic().check(logHead).check({
    key: keys.projectionGens(),
    versionstamp: gens.versionstamp,
  }).set(keys.projectionGens(), next).set(PREVIOUS_GENERATIONS, replaced).commit();
  if (!res.ok) {
    await dropGenerations(store, scratch);
    throw new Error("events were appended during the replay; run it again");
  }
  // The generation just replaced stays until the next switch: other processes may read it for
  // the couple of seconds their cached generation lives. The one before it goes now.
  for (const p of store.projections) {
    const stale = previous.value?.[p.name];
    const kept = new Set([next[p.name], replaced[p.name]]);
    if (stale && !kept.has(stale)) await deletePrefix(kv, keys.generation(p.name, stale));
  }
  await store.generations(true);
  return { ...report, applied: next };
}

const PREVIOUS_GENERATIONS = kvKeys.meta.previousProjectionGens();

async function dropGenerations(store: EventStore, gens: Generations) {
  for (const p of store.projections) {
    if (gens[p.name]) await deletePrefix(store.kv, keys.generation(p.name, gens[p.name]));
  }
}

/**
 * Blind sets in large atomics, the next batch filling while the previous one commits: memory
 * holds about two batches at a time.
 */
class BatchWriter {
  #op: Deno.AtomicOperation;
  #n = 0;
  #bytes = 0;
  #inflight: Promise<void> = Promise.resolve();
  constructor(private readonly kv: Deno.Kv) {
    this.#op = kv.atomic();
  }
  async set(key: Deno.KvKey, value: unknown) {
    this.#op.set(key, value);
    this.#bytes += JSON.stringify(value).length + 64;
    if (++this.#n >= WRITES_PER_ATOMIC || this.#bytes >= BYTES_PER_ATOMIC) await this.#commit();
  }
  async #commit() {
    const op = this.#op;
    this.#op = this.kv.atomic();
    this.#n = 0;
    this.#bytes = 0;
    await this.#inflight;
    this.#inflight = op.commit().then((res) => {
      if (!res.ok) throw new Error("writing the rebuilt generation failed");
    });
    // Awaited by the next commit or flush; this only keeps it from counting as unhandled.
    this.#inflight.catch(() => {});
  }
  async flush() {
    if (this.#n) await this.#commit();
    await this.#inflight;
  }
}

async function deletePrefix(kv: Deno.Kv, prefix: Deno.KvKey) {
  let op = kv.atomic();
  let n = 0;
  for await (const entry of kv.list({ prefix })) {
    op.delete(entry.key);
    if (++n >= WRITES_PER_ATOMIC) {
      await op.commit();
      op = kv.atomic();
      n = 0;
    }
  }
  if (n) await op.commit();
}
