import { z } from "zod";
import { CAPTION_MAX } from "../../domain/image/events.ts";
import { TTL_MAX_SECONDS, TTL_MIN_SECONDS } from "../../domain/image/retention.ts";
import type { Config } from "../../src/config.ts";
import { formatBytes } from "../../src/format_bytes.ts";
import { ALLOWED, SIGNED_PARAMS, TransformQuerySchema } from "../../src/delivery/mod.ts";

/**
 * Decoded bytes `upload_image` takes. A base64 file inside a JSON-RPC message costs a third more
 * and is held in memory whole, so larger files go through import_image or POST /v1/upload, which
 * stream. The caller's own limit (anonymous or keyed) still applies on top, in the route.
 */
export const MCP_UPLOAD_MAX_BYTES = 10_000_000;

/** The largest /mcp request body: the base64 of the largest upload plus room for the rest. */
export const MCP_BODY_MAX_BYTES = Math.ceil(MCP_UPLOAD_MAX_BYTES / 3) * 4 + 64 * 1024;

/** The transform parameters, from the schema the link itself validates with. */
export const TRANSFORM_PARAMS = Object.keys(TransformQuerySchema.in.shape);

const ttl = z.union([z.string(), z.number().int()]).optional().describe(
  `Lifetime: seconds (at least ${TTL_MIN_SECONDS}) or 5m, 2h, 7d; at most ` +
    `${TTL_MAX_SECONDS / 86_400}d. Anonymous images always expire; with a key, omit it to keep ` +
    "the image.",
);
const caption = z.string().max(CAPTION_MAX).optional().describe("Free text shown with the image");
const idempotencyKey = z.string().min(1).max(255).optional().describe(
  "Any unique string; retrying with the same key and arguments returns the first result and " +
    "stores nothing new",
);
const id = z.string().describe("The image id: 10 letters and digits, the last path part of link");

export type ToolName =
  | "import_image"
  | "upload_image"
  | "get_image"
  | "list_images"
  | "delete_image"
  | "transform_link";

export type ToolSpec = {
  name: ToolName;
  title: string;
  description: string;
  inputSchema: z.ZodObject;
};

/** Every tool the /mcp server offers; the docs list them from here too. */
export function toolSpecs(config: Config): ToolSpec[] {
  const key = "Needs an API key: the MCP request's `Authorization: Bearer <key>` header.";
  return [{
    name: "import_image",
    title: "Import an image from a URL",
    description: "Fetches a public http(s) image URL and stores it (POST /v1/import). Returns " +
      "the image object; its `link` serves the image. Anonymous: up to " +
      `${formatBytes(config.limits.anonMaxBytes)}, kept ` +
      `${config.limits.anonRetentionSeconds / 86_400} days, rate-limited per client.`,
    inputSchema: z.object({
      url: z.string().describe("A public http(s) URL of an image"),
      caption,
      ttl,
      idempotency_key: idempotencyKey,
    }),
  }, {
    name: "upload_image",
    title: "Upload image bytes",
    description: "Stores an image sent as base64 (POST /v1/upload). At most " +
      `${formatBytes(MCP_UPLOAD_MAX_BYTES)} decoded here, and within the caller's own limit; ` +
      "prefer import_image when the image has a URL.",
    inputSchema: z.object({
      data: z.string().min(1).describe(
        "The file's bytes in base64 (standard or URL-safe; a data: URL prefix is accepted)",
      ),
      filename: z.string().max(200).optional().describe(
        "Only for the record; the format is " +
          "detected from the bytes",
      ),
      caption,
      ttl,
      idempotency_key: idempotencyKey,
    }),
  }, {
    name: "get_image",
    title: "Get an image object",
    description: "The image object (GET /v1/images/{id}); the owner's key shows every field.",
    inputSchema: z.object({ id }),
  }, {
    name: "list_images",
    title: "List my images",
    description: `The key owner's images, newest first (GET /v1/images). ${key}`,
    inputSchema: z.object({
      limit: z.number().int().min(1).max(100).optional().describe("1-100, default 50"),
      cursor: z.string().optional().describe("next_cursor from the previous page"),
    }),
  }, {
    name: "delete_image",
    title: "Delete an image",
    description:
      `Deletes an image (DELETE /v1/images/{id}); its link answers 410 from then on. ${key}`,
    inputSchema: z.object({ id }),
  }, {
    name: "transform_link",
    title: "Build a transform link",
    description: "Checks transform parameters exactly as the link does and returns the URL. " +
      `${SIGNED_PARAMS.join(", ")} resize and crop: the URL is then signed, which needs the ` +
      `owner's key. ${key.replace("Needs", "For those, send")} segment=foreground removes the ` +
      "background (PNG with transparency; background=white&format=jpg for a white one); " +
      "gravity=face with w, h and fit=cover crops to the faces.",
    // Loose: an unknown parameter must reach the link's own parser, which names it in an
    // invalid_transform envelope, instead of being dropped by the tool's schema.
    inputSchema: z.looseObject({
      id,
      ...Object.fromEntries(
        TRANSFORM_PARAMS.map((name) => [
          name,
          z.union([z.string(), z.number()]).optional().describe(ALLOWED[name] ?? name),
        ]),
      ),
    }),
  }];
}
