import type { StoredEvent } from "../domain/event_envelope.ts";
import { applyImageEdit } from "../domain/image/evolve.ts";
import type {
  CaptionChanged,
  ImageDeleted,
  ImageEditEvent,
  ImageExpired,
  ImagePlaceholdersComputed,
  ImageUploaded,
  MetadataChanged,
} from "../domain/image/events.ts";
import { idIn } from "../domain/streams.ts";
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
  docId(e) {
    const id = idIn("image", e.stream);
    return id === null ? null : [id];
  },
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
      case "CaptionChanged":
      case "MetadataChanged":
      case "ImagePlaceholdersComputed":
        if (!doc) return null;
        return { ...applyImageEdit(doc, editOf(event)), version: event.version };
      default:
        return doc;
    }
  },
  indexes: imageIndexes,
};

/** A stored edit event as the domain's shared edit rules take it. */
function editOf(event: StoredEvent): ImageEditEvent {
  switch (event.type) {
    case "CaptionChanged":
      return { type: event.type, data: event.data as CaptionChanged };
    case "MetadataChanged":
      return { type: event.type, data: event.data as MetadataChanged };
    default:
      return { type: "ImagePlaceholdersComputed", data: event.data as ImagePlaceholdersComputed };
  }
}
