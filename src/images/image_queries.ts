import type { ImageDoc } from "../../projections/image_read_model.ts";
import { imageReadModel } from "../../projections/mod.ts";
import type { ReadModels } from "../read_models.ts";

/** Read-side access to the image projections, so routes never touch KV keys. */
const DELIVERY_TTL_MS = 2_000;
const DELIVERY_ENTRIES = 5_000;

export class ImageQueries {
  #recent = new Map<string, { doc: ImageDoc | null; at: number }>();

  constructor(private readonly readModels: ReadModels) {}

  /**
   * The document as the image link reads it: kept in memory for two seconds, because a hot link
   * is requested thousands of times a second and the KV read is most of its cost. Expiry still
   * holds to the second (the caller compares `expires_at` with the clock); a delete or expiry
   * in this isolate clears the entry at once, one in another isolate within two seconds.
   */
  async getForDelivery(id: string): Promise<ImageDoc | null> {
    const now = performance.now();
    const hit = this.#recent.get(id);
    if (hit && now - hit.at < DELIVERY_TTL_MS) return hit.doc;
    const doc = await this.get(id);
    this.#recent.delete(id);
    this.#recent.set(id, { doc, at: now });
    if (this.#recent.size > DELIVERY_ENTRIES) {
      this.#recent.delete(this.#recent.keys().next().value!);
    }
    return doc;
  }

  /** The delivery record if it is in memory and fresh, without waiting for anything. */
  peekForDelivery(id: string): ImageDoc | null {
    const hit = this.#recent.get(id);
    return hit && performance.now() - hit.at < DELIVERY_TTL_MS ? hit.doc : null;
  }

  forget(id: string): void {
    this.#recent.delete(id);
  }

  get(id: string): Promise<ImageDoc | null> {
    return this.readModels.doc(imageReadModel, [id]);
  }

  /** Ids of live images whose `expires_at` (Unix seconds) is at or before `nowSeconds`. */
  async *due(nowSeconds: number): AsyncGenerator<string> {
    let cursor: string | undefined;
    do {
      const page = await this.readModels.index(imageReadModel, ["expiry"], {
        end: ["expiry", nowSeconds + 1],
        limit: 500,
        cursor,
      });
      for (const id of page.ids) yield String(id[0]);
      cursor = page.ids.length === 500 ? page.cursor : undefined;
    } while (cursor);
  }

  isBlobReferenced = async (hash: string): Promise<boolean> => {
    return (await this.readModels.index(imageReadModel, ["blob", hash], { limit: 1, fresh: true }))
      .ids.length >
      0;
  };
}
