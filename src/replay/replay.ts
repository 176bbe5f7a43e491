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
  if (!opts.apply) return report;

  const next: Generations = { ...gens.value };
  const suffix = (opts.now ?? Date.now()).toString(36);
  for (const p of store.projections) {
    next[p.name] = `${initialGeneration(p)}-${suffix}`;
    await writeGeneration(kv, p, next[p.name], rebuilt.get(p.name)!);
  }
  // Switch only if no event landed since we read the log; otherwise the new generation would
  // miss it. Appends check the generations key, so none can land in the old one afterwards.
  const res = await kv.atomic().check(logHead).check({
    key: keys.projectionGens(),
    versionstamp: gens.versionstamp,
  }).set(keys.projectionGens(), next).commit();
  if (!res.ok) {
    for (const p of store.projections) {
      await deletePrefix(kv, keys.generation(p.name, next[p.name]));
    }
    throw new Error("events were appended during the replay; run it again");
  }
  for (const p of store.projections) {
    const old = gens.value[p.name] ?? initialGeneration(p);
    if (old !== next[p.name]) await deletePrefix(kv, keys.generation(p.name, old));
  }
  await store.generations(true);
  return { ...report, applied: next };
}

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
