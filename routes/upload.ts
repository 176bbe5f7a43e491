import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import type { MiddlewareHandler } from "hono";
import { CAPTION_MAX, Metadata } from "../domain/image/events.ts";
import { fixError } from "../domain/errors.ts";
import { maxBytesFor, ownerOf } from "../src/http/mod.ts";
import { fileTooLarge } from "../src/images/mod.ts";
import { readUploadForm } from "../src/http/mod.ts";
import type { AppDeps, AppEnv } from "../src/http/mod.ts";
import { IdempotencyHeaders, storedImageResponses } from "./schemas.ts";

// Room for the multipart framing and the text fields next to the file.
const FORM_OVERHEAD_BYTES = 256 * 1024;
const FIELD_HINTS: Record<string, string> = {
  caption: "A caption is at most 2,000 characters.",
  ttl: "Give seconds (at least 300) or a duration such as 5m, 2h or 7d.",
  metadata: "At most 20 extra fields, names [a-z0-9_-]{1,64}, values up to 1,000 characters.",
};

/**
 * The form, once: OpenAPI documents this schema and the handler validates the text fields with
 * it (caption and ttl by name, everything else attribution metadata).
 */
const UploadForm = z.object({
  file: z.any().openapi({
    type: "string",
    format: "binary",
    description: "JPEG, PNG, GIF, WebP, AVIF, HEIC/HEIF, SVG (10 MB by default), BMP or ICO",
  }),
  caption: z.string().max(CAPTION_MAX).optional(),
  ttl: z.string().max(32).optional().openapi({
    description: "Seconds (≥300) or 5m, 2h, 7d; at most 90d",
  }),
}).catchall(z.string().openapi({ description: "Attribution metadata" }));
/** The file part is read by the streaming reader; the text fields are checked here. */
const UploadFields = UploadForm.omit({ file: true });

const route = createRoute({
  method: "post",
  path: "/v1/upload",
  summary: "Upload an image",
  description: "Multipart upload. Anonymous uploads expire after 30 days.",
  request: {
    headers: IdempotencyHeaders,
    body: { required: true, content: { "multipart/form-data": { schema: UploadForm } } },
  },
  responses: storedImageResponses(),
});

/** Caps the body while it streams in, before anything is buffered; the cap is the caller's. */
function streamedLimit(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return (c, next) => {
    const caller = c.get("caller");
    return bodyLimit({
      maxSize: maxBytesFor(caller, deps.config) + FORM_OVERHEAD_BYTES,
      onError: () => {
        throw fileTooLarge(deps.config.limits, ownerOf(caller));
      },
    })(c, next);
  };
}

export function uploadRoutes(app: OpenAPIHono<AppEnv>, deps: AppDeps) {
  app.use("/v1/upload", streamedLimit(deps));
  // Documented from the same schemas, but parsed by readUploadForm: the generated form
  // validator would buffer the whole body twice before the handler could cap it.
  app.openAPIRegistry.registerPath(route);
  app.post("/v1/upload", async (c) => {
    const caller = c.get("caller");
    const form = await readUploadForm(c.req.raw, {
      maxFileBytes: maxBytesFor(caller, deps.config),
      onTooLarge: () => fileTooLarge(deps.config.limits, ownerOf(caller)),
    });
    if (form.fileParts !== 1 || !form.file) {
      throw fixError(
        "validation_error",
        form.fileParts > 1 ? "Send exactly one `file` part." : "No file in the `file` field.",
        "Send multipart/form-data with one `file` part holding the image.",
        "file",
      );
    }
    const fields = UploadFields.safeParse(form.fields);
    if (!fields.success) {
      const issue = fields.error.issues[0];
      const field = String(issue.path[0] ?? "form");
      throw fixError(
        "validation_error",
        `Invalid ${field}: ${issue.message}.`,
        FIELD_HINTS[field] ?? FIELD_HINTS.metadata,
        field,
      );
    }
    const { caption, ttl, ...rest } = fields.data;
    const meta = Metadata.safeParse(rest);
    if (!meta.success) {
      throw fixError(
        "validation_error",
        `Invalid attribution metadata: ${meta.error.issues[0].message}.`,
        FIELD_HINTS.metadata,
        String(meta.error.issues[0].path[0] ?? "metadata"),
      );
    }
    const idempotencyKey = c.req.header("idempotency-key");
    if (
      idempotencyKey !== undefined && (idempotencyKey.length === 0 || idempotencyKey.length > 255)
    ) {
      throw fixError(
        "validation_error",
        "Idempotency-Key must be 1 to 255 characters.",
        "Use a UUID.",
        "Idempotency-Key",
      );
    }
    const { image, replayed } = await deps.uploads.upload({
      bytes: form.file,
      // An empty caption field is what an HTML form sends when the box is left blank.
      caption: caption || undefined,
      ttl: ttl || undefined,
      metadata: meta.data,
      owner: ownerOf(caller),
      client: caller.client,
      source: "upload",
      idempotencyKey,
      correlationId: c.get("requestId"),
    });
    if (replayed) c.header("Idempotent-Replayed", "true");
    c.header("Location", image.link);
    return c.json(image, 201);
  });
}
