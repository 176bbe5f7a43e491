import type { ImageUploaded } from "../domain/image/events.ts";
import type { Projection } from "./projection.ts";

export type ExpiryDoc = { id: string; expires_at: number };

/** Live images that will expire, sorted by `expires_at`: what the expiry job scans. */
export const expiryIndex: Projection<ExpiryDoc> = {
  name: "expiry",
  version: 1,
  docId: (e) => e.stream.startsWith("image-") ? [e.stream.slice(6)] : null,
  evolve(doc, event) {
    switch (event.type) {
      case "ImageUploaded": {
        const data = event.data as ImageUploaded;
        return data.expires_at === null ? null : { id: data.id, expires_at: data.expires_at };
      }
      case "ImageExpired":
        return null;
      default:
        return doc;
    }
  },
  indexes: (doc) => [[doc.expires_at]],
};
