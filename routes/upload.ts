import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import type { MiddlewareHandler } from "hono";
import { CAPTION_MAX, Metadata } from "../domain/image/events.ts";
import { formatBytes } from "../src/format_bytes.ts";
import { AppError, fixError } from "../src/http/app_error.ts";
import { type Caller, maxBytesFor } from "../src/http/caller.ts";
import type { AppDeps, AppEnv } from "../src/http/types.ts";
import { registerUrl } from "../src/images/image_view.ts";
import { errorResponses, ImageObjectSchema } from "./schemas.ts";

// Room for the multipart framing and the text fields next to the file.
const FORM_OVERHEAD_BYTES = 256 * 1024;
const RESERVED = new Set(["file", "caption", "ttl"]);

const UploadForm = z.object({
  file: z.any().openapi({
    type: "string",
    format: "binary",
    description: "JPEG, PNG, GIF, WebP, AVIF, HEIC/HEIF, SVG (10 MB by default), BMP or ICO",
  }),
  caption: z.string().max(CAPTION_MAX).optional(),
  ttl: z.string().optional().openapi({ description: "Seconds (≥300) or 5m, 2h, 7d; at most 90d" }),
}).catchall(z.string().openapi({ description: "Attribution metadata" }));

const route = createRoute({
  method: "post",
  path: "/v1/upload",
  summary: "Upload an image",
  description: "Multipart upload. Anonymous uploads expire after 30 days.",
  request: {
    headers: z.object({ "idempotency-key": z.string().max(255).optional() }),
    body: { required: true, content: { "multipart/form-data": { schema: UploadForm } } },
  },
  responses: {
    201: { description: "Stored", content: { "application/json": { schema: ImageObjectSchema } } },
    ...errorResponses(413, 415, 422, 500),
  },
});

export function tooLarge(deps: AppDeps, caller: Caller): AppError {
  const limit = maxBytesFor(caller, deps.config);
  const size = formatBytes(limit);
  if (caller.kind === "account") {
    return fixError(
      "file_too_large",
      `The file is larger than ${size}.`,
      `Send a file of at most ${size}.`,
      "file",
    );
  }
  return new AppError("file_too_large", `The file is larger than ${size}, the anonymous limit.`, {
    type: "register",
    url: registerUrl(deps.config.publicUrl),
    label: `Create a free account to upload up to ${
      formatBytes(deps.config.limits.accountMaxBytes)
    }`,
  });
}

/** Caps the body while it streams in, before anything is buffered; the cap is the caller's. */
function streamedLimit(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return (c, next) => {
    const caller = c.get("caller");
    return bodyLimit({
      maxSize: maxBytesFor(caller, deps.config) + FORM_OVERHEAD_BYTES,
      onError: () => {
        throw tooLarge(deps, caller);
      },
    })(c, next);
  };
}

export function uploadRoutes(app: OpenAPIHono<AppEnv>, deps: AppDeps) {
  app.use("/v1/upload", streamedLimit(deps));
  app.openapi(route, async (c) => {
    const form = c.req.valid("form") as Record<string, unknown>;
    const file = form.file;
    if (!(file instanceof File)) {
      throw fixError(
        "validation_error",
        "No file in the `file` field.",
        "Send multipart/form-data with a `file` part.",
        "file",
      );
    }
    const caller = c.get("caller");
    if (file.size > maxBytesFor(caller, deps.config)) throw tooLarge(deps, caller);
    const metadata: Record<string, string> = {};
    for (const [name, value] of Object.entries(form)) {
      if (!RESERVED.has(name) && typeof value === "string") metadata[name] = value;
    }
    const meta = Metadata.safeParse(metadata);
    if (!meta.success) {
      throw fixError(
        "validation_error",
        `Invalid attribution metadata: ${meta.error.issues[0].message}.`,
        "At most 20 extra fields, names [a-z0-9_-]{1,64}, values up to 1,000 characters.",
        String(meta.error.issues[0].path[0] ?? "metadata"),
      );
    }
    const { image, replayed } = await deps.uploads.upload({
      bytes: new Uint8Array(await file.arrayBuffer()),
      // An empty caption field is what an HTML form sends when the box is left blank.
      caption: (form.caption as string | undefined) || undefined,
      ttl: form.ttl as string | undefined,
      metadata: meta.data,
      owner: caller.kind === "account" ? caller.accountId : null,
      client: caller.client,
      source: "upload",
      idempotencyKey: c.req.valid("header")["idempotency-key"],
      correlationId: c.get("requestId"),
    });
    if (replayed) c.header("Idempotent-Replayed", "true");
    c.header("Location", image.link);
    return c.json(image, 201);
  });
}
