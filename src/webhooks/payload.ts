import type { StoredEvent } from "../../domain/event_envelope.ts";
import type { ImageDeleted, ImageExpired } from "../../domain/image/events.ts";
import { imageReadModel } from "../../projections/image_read_model.ts";
import { imageObject } from "../images/mod.ts";
import type { WebhookEventType } from "./types.ts";

/**
 * The body of a delivery, from the event alone (so a retry, or a replayed log, sends the same
 * bytes): Standard Webhooks' `{type, timestamp, data}`. `image.created` carries the image
 * object as the upload answered it (without the delete link, which is the uploader's secret).
 */
export function payloadOf(type: WebhookEventType, event: StoredEvent, publicUrl: string): string {
  const timestamp = new Date(event.meta.at).toISOString();
  let data: Record<string, unknown>;
  if (type === "image.created") {
    const doc = imageReadModel.evolve(null, event)!;
    const { upgrade: _u, ...image } = imageObject(doc, publicUrl);
    data = image;
  } else if (type === "image.deleted") {
    const d = event.data as ImageDeleted;
    data = { id: d.id, link: `${publicUrl}/${d.id}`, deleted_at: d.deleted_at, by: d.by };
  } else {
    const d = event.data as ImageExpired;
    data = { id: d.id, link: `${publicUrl}/${d.id}`, expired_at: d.expired_at };
  }
  return JSON.stringify({ type, timestamp, data });
}
