import { accountReadModel, apiKeyIndex } from "./account_read_model.ts";
import { imageReadModel } from "./image_read_model.ts";
import type { Projection } from "./projection.ts";

export type { KeyPart, Projection } from "./projection.ts";
export { foldDocs } from "./projection.ts";
export { imageIndexes } from "./expiry_index.ts";
export { accountReadModel, apiKeyIndex, imageReadModel };

/** Every inline projection, written in the same atomic as the events it derives from. */
export const ALL_PROJECTIONS: readonly Projection<unknown>[] = [
  imageReadModel,
  accountReadModel,
  apiKeyIndex,
] as Projection<unknown>[];
