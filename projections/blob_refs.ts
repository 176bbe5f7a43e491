import type { ImageUploaded } from "../domain/image/events.ts";
import type { Projection } from "./projection.ts";

export type BlobRefDoc = { hash: string };

/** Which live images use a blob: a blob with no reference may be deleted. */
export const blobRefs: Projection<BlobRefDoc> = {
  name: "blob_refs",
  version: 1,
  docId: (e) => e.stream.startsWith("image-") ? [e.stream.slice(6)] : null,
  evolve(doc, event) {
    switch (event.type) {
      case "ImageUploaded":
        return { hash: (event.data as ImageUploaded).blob.hash };
      case "ImageExpired":
        return null;
      default:
        return doc;
    }
  },
  indexes: (doc) => [[doc.hash]],
};
