import { z } from "zod";
import type { EventOf } from "../event_envelope.ts";

export const CAPTION_MAX = 2000;
export const METADATA_MAX_FIELDS = 20;
export const METADATA_NAME = /^[a-z0-9_-]{1,64}$/;
export const METADATA_VALUE_MAX = 1000;

export const Metadata = z
  .record(z.string().regex(METADATA_NAME), z.string().max(METADATA_VALUE_MAX))
  .refine((m) => Object.keys(m).length <= METADATA_MAX_FIELDS, {
    message: `at most ${METADATA_MAX_FIELDS} metadata fields`,
  });

/**
 * Computed from the pixels at ingest (or by the backfill task for older images) and kept in
 * the event, so replay reproduces them without the bytes. Optional: older events lack them.
 */
const PLACEHOLDER_FIELDS = {
  thumbhash: z.string().regex(/^[A-Za-z0-9+/]{4,64}={0,2}$/).optional(),
  dominant_color: z.string().regex(/^#[0-9a-f]{6}$/).optional(),
};

export const ImageUploaded = z.object({
  id: z.string().length(10),
  source: z.enum(["upload", "import"]),
  source_url: z.string().max(2048).optional(),
  /** Account id; null for an anonymous upload. */
  owner: z.string().nullable(),
  /** Keyed HMAC of the client IP, never the IP itself (DESIGN.md, "Events"). */
  client: z.string().max(64).optional(),
  blob: z.object({ hash: z.string().regex(/^[0-9a-f]{64}$/), size: z.number().int().positive() }),
  format: z.enum(["jpeg", "png", "gif", "webp", "avif", "svg"]),
  extension: z.enum(["jpg", "png", "gif", "webp", "avif", "svg"]),
  mime: z.string().max(64),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  frames: z.number().int().positive(),
  caption: z.string().max(CAPTION_MAX).optional(),
  metadata: Metadata.optional(),
  created_at: z.number().int(),
  expires_at: z.number().int().nullable(),
  /** SHA-256 of the anonymous uploader's delete token; the token itself is only in delete_url. */
  delete_token_hash: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  ...PLACEHOLDER_FIELDS,
});
export type ImageUploaded = z.infer<typeof ImageUploaded>;

export const ImageExpired = z.object({
  id: z.string().length(10),
  expired_at: z.number().int(),
});
export type ImageExpired = z.infer<typeof ImageExpired>;

export const ImageDeleted = z.object({
  id: z.string().length(10),
  deleted_at: z.number().int(),
  by: z.enum(["owner", "delete_token"]),
});
export type ImageDeleted = z.infer<typeof ImageDeleted>;

export const CaptionChanged = z.object({
  id: z.string().length(10),
  caption: z.string().max(CAPTION_MAX).nullable(),
});
export type CaptionChanged = z.infer<typeof CaptionChanged>;

export const MetadataChanged = z.object({ id: z.string().length(10), metadata: Metadata });
export type MetadataChanged = z.infer<typeof MetadataChanged>;

/** Placeholders of an image uploaded before ingest computed them (the backfill task). */
export const ImagePlaceholdersComputed = z.object({
  id: z.string().length(10),
  thumbhash: PLACEHOLDER_FIELDS.thumbhash.unwrap(),
  dominant_color: PLACEHOLDER_FIELDS.dominant_color.unwrap(),
});
export type ImagePlaceholdersComputed = z.infer<typeof ImagePlaceholdersComputed>;

/**
 * The schema version each event's `data` is stored under. All are at 1: when one changes, the
 * store needs an upcaster for the older version (there is none yet, so none is wired).
 */
export const IMAGE_EVENT_SCHEMAS = {
  ImageUploaded: { version: 1, schema: ImageUploaded },
  ImageExpired: { version: 1, schema: ImageExpired },
  ImageDeleted: { version: 1, schema: ImageDeleted },
  CaptionChanged: { version: 1, schema: CaptionChanged },
  MetadataChanged: { version: 1, schema: MetadataChanged },
  ImagePlaceholdersComputed: { version: 1, schema: ImagePlaceholdersComputed },
} as const;

export type ImageEvent = EventOf<typeof IMAGE_EVENT_SCHEMAS>;
/** The events that change an image's caption, metadata or placeholders (see ./evolve.ts). */
export type ImageEditEvent = Extract<
  ImageEvent,
  { type: "CaptionChanged" | "MetadataChanged" | "ImagePlaceholdersComputed" }
>;
