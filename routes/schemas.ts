import { z } from "@hono/zod-openapi";
import type { ErrorCode } from "../domain/errors.ts";
import { ERROR_CATALOGUE, errorEntry } from "../src/http/mod.ts";
import { FORMATS, STORED_IDS } from "../src/formats/mod.ts";

export const ActionSchema = z.object({
  type: z.enum(["fix", "register", "upgrade", "wait", "retry", "contact"]),
  field: z.string().optional(),
  hint: z.string().optional(),
  url: z.string().optional(),
  label: z.string().optional(),
  seconds: z.number().optional(),
}).openapi("Action");

const UsageSchema = z.object({
  plan: z.string(),
  uploads_used: z.number().int(),
  uploads_limit: z.number().int(),
  storage_used_bytes: z.number().int(),
  storage_limit_bytes: z.number().int(),
}).openapi({ description: "With quota_exceeded and storage_exceeded" });

export const ErrorSchema = z.object({
  error: z.string().openapi({ example: "invalid_image" }),
  message: z.string(),
  action: ActionSchema,
  usage: UsageSchema.optional(),
}).openapi("Error");

export const ImageObjectSchema = z.object({
  id: z.string().openapi({ example: "V1StGXR8Z5" }),
  link: z.string().openapi({ example: "http://localhost:8000/V1StGXR8Z5" }),
  extension: z.enum(STORED_IDS.map((id) => FORMATS[id].extension)),
  width: z.number().int(),
  height: z.number().int(),
  filesize: z.number().int(),
  created_at: z.number().int().openapi({ description: "Unix seconds" }),
  sizes: z.object({
    s: z.string().openapi({ description: "link?size=s: short side 320 (never enlarged)" }),
    m: z.string().openapi({ description: "link?size=m: short side 640" }),
    l: z.string().openapi({ description: "link?size=l: short side 1080" }),
    social: z.string().openapi({ description: "link?size=social: exactly 1200×630, cropped" }),
  }).openapi({ description: "Ready links to the named sizes" }),
  thumbhash: z.string().optional().openapi({
    description: "ThumbHash of the image (base64), to draw a blurred placeholder before it " +
      "loads; decode with the thumbhash package's thumbHashToDataURL. Absent for images " +
      "stored before placeholders until the backfill task has run",
  }),
  dominant_color: z.string().optional().openapi({
    description: "The most common colour, #rrggbb (e.g. a background while the image loads)",
    example: "#7a8c99",
  }),
  caption: z.string().optional(),
  metadata: z.record(z.string(), z.string()).optional(),
  expires_at: z.number().int().optional().openapi({
    description: "Unix seconds; anonymous or ttl uploads",
  }),
  upgrade: z.object({
    type: z.literal("register"),
    url: z.string(),
    message: z.string(),
    label: z.string(),
  }).optional(),
}).openapi("Image");

/**
 * Any operation can answer these: the caller middleware refuses a malformed or revoked bearer key
 * on every path, and `onError` turns any fault into internal_error.
 */
const EVERY_OPERATION: ErrorCode[] = ["unauthorized", "internal_error"];

/**
 * The error responses of an operation, grouped by status; `error` is an enum of the codes that
 * status can carry there, each described from the error catalogue. A bare status (older call
 * sites) stands for its first code in SPEC §7's table (422 is validation_error, 403
 * invalid_signature); name the codes to document any other.
 */
export const errorResponses = (...items: (ErrorCode | number)[]) => {
  const codes = new Set<ErrorCode>(EVERY_OPERATION);
  for (const item of items) {
    if (typeof item === "string") codes.add(item);
    else {
      const primary = ERROR_CATALOGUE.find((e) => e.status === item);
      if (primary) codes.add(primary.code);
    }
  }
  const byStatus = new Map<number, ErrorCode[]>();
  for (const e of ERROR_CATALOGUE) {
    if (codes.has(e.code)) byStatus.set(e.status, [...byStatus.get(e.status) ?? [], e.code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => [status, {
      description: list.map((code) => `\`${code}\`: ${errorEntry(code).when}.`).join(" "),
      content: {
        "application/json": {
          schema: ErrorSchema.extend({ error: z.enum(list as [ErrorCode, ...ErrorCode[]]) }),
        },
      },
    }]),
  );
};

/** Idempotency-Key, as the operations that store an image accept it. */
export const IdempotencyHeaders = z.object({
  "idempotency-key": z.string().max(255).optional(),
});

/**
 * The responses of an operation that stores an image: the image object, or an error that ingest
 * can raise; `extra` names the operation's own error codes.
 */
export const storedImageResponses = (...extra: ErrorCode[]) => ({
  201: { description: "Stored", content: { "application/json": { schema: ImageObjectSchema } } },
  ...errorResponses(
    "validation_error",
    "unsupported_format",
    "invalid_image",
    "image_too_large",
    "image_too_complex",
    "file_too_large",
    "request_timeout",
    "rate_limited",
    "quota_exceeded",
    "storage_exceeded",
    "overloaded",
    "idempotency_key_conflict",
    "store_unavailable",
    ...extra,
  ),
});
