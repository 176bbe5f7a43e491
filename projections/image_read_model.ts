import type { StoredEvent } from "../domain/event_envelope.ts";
import type {
  CaptionChanged,
  ImageDeleted,
  ImageExpired,
  ImagePlaceholdersComputed,
  ImageUploaded,
  MetadataChanged,
} from "../domain/image/events.ts";
import { imageIndexes } from "./expiry_index.ts";
import type { Projection } from "./projection.ts";

/** What `GET /{id}` and `GET /v1/images/{id}` serve. Kept after expiry so reads can say 410. */
export type ImageDoc = ImageUploaded & {
  status: "live" | "expired" | "deleted";
  expired_at?: number;
  deleted_at?: number;
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
      case "ImageDeleted":
        if (!doc) return null;
        return {
          ...doc,
          status: "deleted",
          deleted_at: (event.data as ImageDeleted).deleted_at,
          version: event.version,
        };
      case "CaptionChanged": {
        if (!doc) return null;
        const { caption: _old, ...rest } = doc;
        const caption = (event.data as CaptionChanged).caption;
        return { ...rest, ...(caption === null ? {} : { caption }), version: event.version };
      }
      case "MetadataChanged": {
        if (!doc) return null;
        const { metadata: _old, ...rest } = doc;
        const metadata = (event.data as MetadataChanged).metadata;
        return {
          ...rest,
          ...(Object.keys(metadata).length ? { metadata } : {}),
          version: event.version,
        };
      }
      case "ImagePlaceholdersComputed": {
        if (!doc) return null;
        const { thumbhash, dominant_color } = event.data as ImagePlaceholdersComputed;
        return { ...doc, thumbhash, dominant_color, version: event.version };
      }
      default:
        return doc;
    }
  },
  indexes: imageIndexes,
};
