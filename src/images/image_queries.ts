import type { ImageDoc } from "../../projections/image_read_model.ts";
import { blobRefs, expiryIndex, imageReadModel } from "../../projections/mod.ts";
import { type EventStore, initialGeneration, keys } from "../event_store/mod.ts";

/** Read-side access to the image projections, so routes never touch KV keys. */
export class ImageQueries {
  constructor(private readonly store: EventStore) {}

  async #gen(name: string, fallback: string) {
    return (await this.store.generations()).value[name] ?? fallback;
  }

  async get(id: string): Promise<ImageDoc | null> {
    const gen = await this.#gen(imageReadModel.name, initialGeneration(imageReadModel));
    return (await this.store.kv.get<ImageDoc>(keys.doc(imageReadModel.name, gen, [id]))).value;
  }

  /** Ids of live images whose `expires_at` (Unix seconds) is at or before `nowSeconds`. */
  async *due(nowSeconds: number): AsyncGenerator<string> {
    const gen = await this.#gen(expiryIndex.name, initialGeneration(expiryIndex));
    const iter = this.store.kv.list<string[]>({
      start: keys.indexPrefix(expiryIndex.name, gen),
      end: keys.indexPrefix(expiryIndex.name, gen, [nowSeconds + 1]),
    });
    for await (const entry of iter) yield entry.value[0];
  }

  isBlobReferenced = async (hash: string): Promise<boolean> => {
    const gen = await this.#gen(blobRefs.name, initialGeneration(blobRefs));
    const iter = this.store.kv.list({ prefix: keys.indexPrefix(blobRefs.name, gen, [hash]) }, {
      limit: 1,
    });
    for await (const _ of iter) return true;
    return false;
  };
}
