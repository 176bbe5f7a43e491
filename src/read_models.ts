import type { KeyPart, Projection } from "../projections/mod.ts";
import { type EventStore, initialGeneration, keys } from "./event_store/mod.ts";

/** Reads projection documents and indexes in their live generation; routes never see KV keys. */
export class ReadModels {
  constructor(private readonly store: EventStore) {}

  async #gen(p: Projection<unknown>, fresh = false) {
    return (await this.store.generations(fresh)).value[p.name] ?? initialGeneration(p);
  }

  async doc<D>(p: Projection<D>, id: KeyPart[]): Promise<D | null> {
    const gen = await this.#gen(p as Projection<unknown>);
    return (await this.store.kv.get<D>(keys.doc(p.name, gen, id))).value;
  }

  /** Document ids under an index prefix, in key order (or reversed), after an optional cursor. */
  async index(
    p: Projection<unknown>,
    at: KeyPart[],
    opts: { limit?: number; reverse?: boolean; cursor?: string; end?: KeyPart[]; fresh?: boolean } =
      {},
  ): Promise<{ ids: KeyPart[][]; cursor?: string }> {
    // `fresh`: for decisions that destroy data, never trust a cached generation.
    const gen = await this.#gen(p, opts.fresh);
    const selector = opts.end
      ? { start: keys.indexPrefix(p.name, gen, at), end: keys.indexPrefix(p.name, gen, opts.end) }
      : { prefix: keys.indexPrefix(p.name, gen, at) };
    const iter = this.store.kv.list<KeyPart[]>(selector, {
      limit: opts.limit,
      reverse: opts.reverse,
      cursor: opts.cursor,
    });
    const ids: KeyPart[][] = [];
    for await (const entry of iter) ids.push(entry.value);
    return { ids, cursor: iter.cursor || undefined };
  }
}
