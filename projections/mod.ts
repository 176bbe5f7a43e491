import { blobRefs } from "./blob_refs.ts";
import { expiryIndex } from "./expiry_index.ts";
import { imageReadModel } from "./image_read_model.ts";
import type { Projection } from "./projection.ts";

export type { KeyPart, Projection } from "./projection.ts";
export { foldDocs } from "./projection.ts";
export { blobRefs, expiryIndex, imageReadModel };

/** Every inline projection, written in the same atomic as the events it derives from. */
export const ALL_PROJECTIONS: readonly Projection<unknown>[] = [
  imageReadModel,
  expiryIndex,
  blobRefs,
] as Projection<unknown>[];
