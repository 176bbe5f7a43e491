import { isDeepStrictEqual } from "node:util";
import { foldDocs, type KeyPart, type Projection } from "../../projections/mod.ts";
import { type EventStore, type Generations, initialGeneration, keys } from "../event_store/mod.ts";

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

type Docs = Map<string, { id: KeyPart[]; doc: unknown }>;

const WRITES_PER_ATOMIC = 200;

/**
 * Rebuilds every projection from the log in commit order, diffs the result against the live
 * generation, and with `apply` writes it as a new generation and switches to it atomically.
 */
export async function replay(
  store: EventStore,
  opts: { apply?: boolean; now?: number; onProgress?: (events: number) => void } = {},
): Promise<ReplayReport> {
  // A commit landing between the fold and the diff would show as a false difference: when the
  // log moved during a pass, the pass is run again.
  for (let attempt = 1;; attempt++) {
    const pass = await rebuildAndDiff(store, opts);
    const moved = (await store.kv.get(keys.logHead())).versionstamp !== pass.logHead.versionstamp;
    if (!moved || attempt === MAX_PASSES) {
      const report = { ...pass.report, ...(moved ? { inconclusive: true } : {}) };
      return opts.apply ? await applyGeneration(store, pass, report, opts.now) : report;
    }
  }
}

const MAX_PASSES = 3;

async function rebuildAndDiff(store: EventStore, opts: { onProgress?: (events: number) => void }) {
  const kv = store.kv;
  const logHead = await kv.get(keys.logHead());
  const gens = await store.generations(true);
  const rebuilt = new Map<string, Docs>(store.projections.map((p) => [p.name, new Map()]));
  const streams = new Set<string>();
  let events = 0;
  let commits = 0;
  for await (const commit of store.readLog()) {
    commits++;
    for (const e of commit.events) streams.add(e.stream);
    for (const p of store.projections) foldDocs(p, commit.events, rebuilt.get(p.name)!);
    const before = events;
    events += commit.events.length;
    if (opts.onProgress && Math.floor(events / 10_000) > Math.floor(before / 10_000)) {
      opts.onProgress(events);
    }
  }

  const differences: Difference[] = [];
  let documents = 0;
  for (const p of store.projections) {
    const docs = rebuilt.get(p.name)!;
    documents += docs.size;
    const gen = gens.value[p.name] ?? initialGeneration(p);
    differences.push(...await diff(kv, p, gen, docs));
  }
  const report: ReplayReport = { commits, streams: streams.size, events, documents, differences };
  return { report, logHead, gens, rebuilt };
}

async function applyGeneration(
  store: EventStore,
  pass: Awaited<ReturnType<typeof rebuildAndDiff>>,
  report: ReplayReport,
  now = Date.now(),
): Promise<ReplayReport> {
  const { kv } = store;
  const { gens, rebuilt, logHead } = pass;
  const next: Generations = { ...gens.value };
  const suffix = now.toString(36);
  for (const p of store.projections) {
    next[p.name] = `${initialGeneration(p)}-${suffix}`;
    await writeGeneration(kv, p, next[p.name], rebuilt.get(p.name)!);
  }
  // Switch only if no event landed since we read the log; otherwise the new generation would
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
    for (const p of store.projections) {
      await deletePrefix(kv, keys.generation(p.name, next[p.name]));
    }
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

const PREVIOUS_GENERATIONS: Deno.KvKey = ["meta", "projection_gens_previous"];

async function diff(
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
  const docPrefix = keys.docs(p.name, gen);
  for await (const entry of kv.list({ prefix: docPrefix }, { batchSize: 1000 })) {
    const id = entry.key.slice(docPrefix.length) as KeyPart[];
    const key = JSON.stringify(id);
    seen.add(key);
    const want = docs.get(key);
    if (!want) out.push({ projection: p.name, key, kind: "extra" });
    else if (!isDeepStrictEqual(want.doc, entry.value)) {
      out.push({ projection: p.name, key, kind: "changed" });
    }
  }
  for (const key of docs.keys()) {
    if (!seen.has(key)) out.push({ projection: p.name, key, kind: "missing" });
  }
  const indexPrefix = keys.indexPrefix(p.name, gen);
  for await (const entry of kv.list({ prefix: indexPrefix }, { batchSize: 1000 })) {
    const key = JSON.stringify(entry.key.slice(indexPrefix.length));
    if (!expectedIndex.delete(key)) out.push({ projection: `${p.name}:index`, key, kind: "extra" });
  }
  for (const key of expectedIndex) {
    out.push({ projection: `${p.name}:index`, key, kind: "missing" });
  }
  return out;
}

async function writeGeneration(kv: Deno.Kv, p: Projection<unknown>, gen: string, docs: Docs) {
  let op = kv.atomic();
  let n = 0;
  const flush = async () => {
    if (n === 0) return;
    const res = await op.commit();
    if (!res.ok) throw new Error(`writing generation ${gen} of ${p.name} failed`);
    op = kv.atomic();
    n = 0;
  };
  for (const { id, doc } of docs.values()) {
    op.set(keys.doc(p.name, gen, id), doc);
    n++;
    for (const at of p.indexes?.(doc) ?? []) {
      op.set(keys.index(p.name, gen, at, id), id);
      n++;
    }
    if (n >= WRITES_PER_ATOMIC) await flush();
  }
  await flush();
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
