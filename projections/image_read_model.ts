import type { StoredEvent } from "../domain/event_envelope.ts";
import type { ImageExpired, ImageUploaded } from "../domain/image/events.ts";
import type { Projection } from "./projection.ts";

/** What `GET /{id}` and `GET /v1/images/{id}` serve. Kept after expiry so reads can say 410. */
export type ImageDoc = ImageUploaded & {
  status: "live" | "expired";
  expired_at?: number;
  version: number;
};

export const imageReadModel: Projection<ImageDoc> = {
  name: "images",
  version: 1,
  docId: (e) => e.stream.startsWith("image-") ? [e.stream.slice(6)] : null,
  evolve(doc, event: StoredEvent) {
    switch (event.type) {
      case "ImageUploaded":
        return { ...(event.data as ImageUploaded), status: "live", version: event.version };
      case "ImageExpired":
        if (!doc) return null;
        return {
          ...doc,
          status: "expired",
          expired_at: (event.data as ImageExpired).expired_at,
          version: event.version,
        };
      default:
        return doc;
    }
  },
};
