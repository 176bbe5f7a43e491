import { z } from "@hono/zod-openapi";

export const ActionSchema = z.object({
  type: z.enum(["fix", "register", "upgrade", "wait", "retry", "contact"]),
  field: z.string().optional(),
  hint: z.string().optional(),
  url: z.string().optional(),
  label: z.string().optional(),
  seconds: z.number().optional(),
}).openapi("Action");

export const ErrorSchema = z.object({
  error: z.string().openapi({ example: "invalid_image" }),
  message: z.string(),
  action: ActionSchema,
}).openapi("Error");

export const ImageObjectSchema = z.object({
  id: z.string().openapi({ example: "V1StGXR8Z5" }),
  link: z.string().openapi({ example: "http://localhost:8000/V1StGXR8Z5" }),
  extension: z.enum(["jpg", "png", "gif", "webp", "avif", "svg"]),
  width: z.number().int(),
  height: z.number().int(),
  filesize: z.number().int(),
  created_at: z.number().int().openapi({ description: "Unix seconds" }),
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

export const errorResponses = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((s) => [s, {
      description: "Error envelope",
      content: { "application/json": { schema: ErrorSchema } },
    }]),
  );
