import type { ImageDoc } from "../../projections/image_read_model.ts";
import { imageReadModel } from "../../projections/mod.ts";
import type { ReadModels } from "../read_models.ts";

/** Read-side access to the image projections, so routes never touch KV keys. */
export class ImageQueries {
  constructor(private readonly readModels: ReadModels) {}

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
    return (await this.readModels.index(imageReadModel, ["blob", hash], { limit: 1 })).ids.length >
      0;
  };
}
