import type { ImageEditEvent, ImageUploaded } from "./events.ts";

/**
 * What an edit or the placeholder backfill does to an image, written once for the decider's
 * state and the read model: a null caption or empty metadata removes the field (so a reader
 * never sees `caption: null` or `metadata: {}`), a value replaces it.
 */
export function applyImageEdit<I extends ImageUploaded>(image: I, event: ImageEditEvent): I;
// The read model's document is an image plus its own fields; every branch keeps the keys it does
// not touch (in their order), so a wider object comes back with them: hence the generic overload.
export function applyImageEdit(image: ImageUploaded, event: ImageEditEvent): ImageUploaded {
  switch (event.type) {
    case "CaptionChanged": {
      const { caption: _old, ...rest } = image;
      return event.data.caption === null ? rest : { ...rest, caption: event.data.caption };
    }
    case "MetadataChanged": {
      const { metadata: _old, ...rest } = image;
      const { metadata } = event.data;
      return Object.keys(metadata).length ? { ...rest, metadata } : rest;
    }
    case "ImagePlaceholdersComputed": {
      const { thumbhash, dominant_color } = event.data;
      return { ...image, thumbhash, dominant_color };
    }
  }
}
