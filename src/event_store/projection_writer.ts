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

/** The document and index writes that `events` cause, computed from the current documents. */
export async function planProjectionWrites(
  kv: Deno.Kv,
  projections: readonly Projection<unknown>[],
  gens: Generations,
  events: StoredEvent[],
): Promise<Mutation[]> {
  const touched: { p: Projection<unknown>; gen: string; id: KeyPart[] }[] = [];
  const seen = new Set<string>();
  for (const p of projections) {
    const gen = gens[p.name] ?? initialGeneration(p);
    for (const e of events) {
      const id = p.docId(e);
      const tag = JSON.stringify([p.name, id]);
      if (id && !seen.has(tag)) {
        seen.add(tag);
        touched.push({ p, gen, id });
      }
    }
  }
  const current = await getMany(kv, touched.map((t) => keys.doc(t.p.name, t.gen, t.id)));
  const deletes: Mutation[] = [];
  const sets: Mutation[] = [];
  touched.forEach(({ p, gen, id }, i) => {
    const before = current[i].value;
    let doc = before;
    for (const e of events) {
      if (JSON.stringify(p.docId(e)) === JSON.stringify(id)) doc = p.evolve(doc, e);
    }
    for (const at of before !== null ? p.indexes?.(before) ?? [] : []) {
      deletes.push({ type: "delete", key: keys.index(p.name, gen, at, id) });
    }
    if (doc === null) {
      if (before !== null) deletes.push({ type: "delete", key: keys.doc(p.name, gen, id) });
      return;
    }
    sets.push({ type: "set", key: keys.doc(p.name, gen, id), value: doc });
    for (const at of p.indexes?.(doc) ?? []) {
      sets.push({ type: "set", key: keys.index(p.name, gen, at, id), value: id });
    }
  });
  // Sets after deletes, so an index key that survives the change is not removed.
  return [...deletes, ...sets];
}
