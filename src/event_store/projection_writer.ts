import type { StoredEvent } from "../../domain/event_envelope.ts";
import type { KeyPart, Projection } from "../../projections/mod.ts";
import { keys } from "./keys.ts";
import type { Mutation } from "./kv_limits.ts";

export type Generations = Record<string, string>;

/** The generation a projection lives in before any replay has switched it. */
export const initialGeneration = (p: Projection<unknown>) => `v${p.version}`;

export async function getMany(
  kv: Deno.Kv,
  list: Deno.KvKey[],
): Promise<Deno.KvEntryMaybe<unknown>[]> {
  const out: Deno.KvEntryMaybe<unknown>[] = [];
  // KV's getMany takes at most 10 keys.
  for (let i = 0; i < list.length; i += 10) out.push(...await kv.getMany(list.slice(i, i + 10)));
  return out;
}

/**
 * Documents as they stood at a stream head. Every document is owned by one stream and the append
 * checks that stream's head, so a cached document is exact whenever the head it was cached at is
 * still the head: the writer's next append then needs no read. Bounded; oldest entries go first.
 */
export class DocCache {
  #entries = new Map<string, { doc: unknown; head: string }>();
  constructor(private readonly max = 10_000) {}

  get(key: string, head: string | null): { doc: unknown } | undefined {
    const hit = this.#entries.get(key);
    return hit && head !== null && hit.head === head ? { doc: hit.doc } : undefined;
  }

  set(key: string, doc: unknown, head: string): void {
    this.#entries.delete(key);
    this.#entries.set(key, { doc, head });
    if (this.#entries.size > this.max) this.#entries.delete(this.#entries.keys().next().value!);
  }
}

export type PlannedWrites = { mutations: Mutation[]; docs: { key: string; doc: unknown }[] };

/**
 * The document and index writes that `events` cause, computed from the current documents.
 * `heads` maps each written stream to the head versionstamp the append expects (null: the stream
 * is new, so the documents it owns cannot exist yet).
 */
export async function planProjectionWrites(
  kv: Deno.Kv,
  projections: readonly Projection<unknown>[],
  gens: Generations,
  events: StoredEvent[],
  heads: ReadonlyMap<string, string | null> = new Map(),
  cache?: DocCache,
): Promise<PlannedWrites> {
  type Touched = {
    p: Projection<unknown>;
    gen: string;
    id: KeyPart[];
    key: string;
    before: unknown;
  };
  const touched: Touched[] = [];
  const toRead: Touched[] = [];
  for (const p of projections) {
    const gen = gens[p.name] ?? initialGeneration(p);
    for (const e of events) {
      const id = p.docId(e);
      if (!id) continue;
      const key = JSON.stringify([p.name, gen, id]);
      if (touched.some((t) => t.key === key)) continue;
      const t: Touched = { p, gen, id, key, before: null };
      touched.push(t);
      const head = heads.get(e.stream);
      const cached = cache?.get(key, head ?? null);
      if (cached) t.before = cached.doc;
      else if (head !== null) toRead.push(t);
    }
  }
  const read = await getMany(kv, toRead.map((t) => keys.doc(t.p.name, t.gen, t.id)));
  toRead.forEach((t, i) => t.before = read[i].value);

  const deletes: Mutation[] = [];
  const sets: Mutation[] = [];
  const docs: PlannedWrites["docs"] = [];
  for (const { p, gen, id, key, before } of touched) {
    let doc = before;
    const idText = JSON.stringify(id);
    for (const e of events) {
      if (JSON.stringify(p.docId(e)) === idText) doc = p.evolve(doc, e);
    }
    docs.push({ key, doc });
    for (const at of before !== null ? p.indexes?.(before) ?? [] : []) {
      deletes.push({ type: "delete", key: keys.index(p.name, gen, at, id) });
    }
    if (doc === null) {
      if (before !== null) deletes.push({ type: "delete", key: keys.doc(p.name, gen, id) });
      continue;
    }
    sets.push({ type: "set", key: keys.doc(p.name, gen, id), value: doc });
    for (const at of p.indexes?.(doc) ?? []) {
      sets.push({ type: "set", key: keys.index(p.name, gen, at, id), value: id });
    }
  }
  // Sets after deletes, so an index key that survives the change is not removed.
  return { mutations: [...deletes, ...sets], docs };
}
