import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { CAPTION_MAX, Metadata } from "../domain/image/events.ts";
import { MAX_URL_LENGTH } from "../src/fetcher/mod.ts";
import { fixError } from "../domain/errors.ts";
import { ownerOf } from "../src/http/mod.ts";
import type { AppDeps, AppEnv } from "../src/http/mod.ts";
import { IdempotencyHeaders, storedImageResponses } from "./schemas.ts";

// URL, caption and 20 metadata fields fit many times over; the image itself is fetched, not sent.
const JSON_BODY_LIMIT = 128 * 1024;

const ImportBody = z.object({
  url: z.string().min(1).max(MAX_URL_LENGTH).openapi({
    description: "A public http(s) URL of the image",
    example: "https://example.com/cat.png",
  }),
  caption: z.string().max(CAPTION_MAX).optional(),
  ttl: z.union([z.string(), z.number().int()]).optional().openapi({
    description: "Seconds (≥300) or 5m, 2h, 7d; at most 90d",
  }),
  metadata: Metadata.optional().openapi({ description: "Attribution metadata" }),
}).strict();

const route = createRoute({
  method: "post",
  path: "/v1/import",
  summary: "Import an image from a URL",
  description: "Fetches a public http(s) URL (no private, loopback or metadata addresses; at " +
    "most 5 redirects, each checked) and stores it like an upload. Anonymous imports expire " +
    "after 30 days.",
  request: {
    headers: IdempotencyHeaders,
    body: { required: true, content: { "application/json": { schema: ImportBody } } },
  },
  responses: storedImageResponses("url_not_allowed", "import_failed"),
});

export function importRoutes(app: OpenAPIHono<AppEnv>, deps: AppDeps) {
  app.use(
    "/v1/import",
    bodyLimit({
      maxSize: JSON_BODY_LIMIT,
      onError: () => {
        throw fixError(
          "validation_error",
          `The JSON body is larger than ${JSON_BODY_LIMIT / 1024} KiB.`,
          "Send only url, caption, ttl and metadata; the image is fetched from the URL.",
        );
      },
    }),
  );
  app.openapi(route, async (c) => {
    const body = c.req.valid("json");
    const caller = c.get("caller");
    const { image, replayed } = await deps.imports.import({
      url: body.url,
      caption: body.caption || undefined,
      ttl: body.ttl === undefined ? undefined : String(body.ttl),
      metadata: body.metadata,
      owner: ownerOf(caller),
      client: caller.client,
      idempotencyKey: c.req.valid("header")["idempotency-key"],
      correlationId: c.get("requestId"),
      signal: c.req.raw.signal,
    });
    if (replayed) c.header("Idempotent-Replayed", "true");
    c.header("Location", image.link);
    return c.json(image, 201);
  });
}
