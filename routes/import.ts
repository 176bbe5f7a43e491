import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { CAPTION_MAX, Metadata } from "../domain/image/events.ts";
import { parseTtl } from "../domain/image/retention.ts";
import {
  ImportFailed,
  InvalidUrl,
  MAX_URL_LENGTH,
  SafeFetcher,
  TooLarge,
  UrlNotAllowed,
} from "../src/fetcher/mod.ts";
import { AppError, fixError } from "../domain/errors.ts";
import { type Caller, maxBytesFor } from "../src/http/caller.ts";
import type { AppDeps, AppEnv } from "../src/http/types.ts";
import { VERSION } from "../src/version.ts";
import { IdempotencyHeaders, storedImageResponses } from "./schemas.ts";
import { tooLarge } from "./upload.ts";

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

/** The fetcher's failures, in the SPEC §7 envelope; the `url` field is what the caller fixes. */
function toAppError(err: unknown, deps: AppDeps, caller: Caller): unknown {
  if (err instanceof UrlNotAllowed) {
    return new AppError("url_not_allowed", err.message, {
      field: "url",
      hint: err.hint,
      extra: { rule: err.rule },
    });
  }
  if (err instanceof InvalidUrl) {
    return fixError("validation_error", err.message, "Send an absolute http(s) URL.", "url");
  }
  if (err instanceof TooLarge) return tooLarge(deps, caller);
  if (err instanceof ImportFailed) {
    return new AppError(
      "import_failed",
      err.message,
      err.retryAfter === undefined
        ? { field: "url", hint: err.hint }
        : { retryAfter: err.retryAfter },
    );
  }
  return err;
}

/** A refusal the caller fixes by changing the request (not a busy server or a fault of ours). */
const fixable = (err: AppError) =>
  err.details.retryAfter === undefined && !err.details.register && err.code !== "internal_error";

/**
 * Ingest's own errors pass through with their code and message; only the field they point at
 * changes, since an importer fixes the URL, not a file they never sent.
 */
function forImport(err: unknown, contentType: string | null): unknown {
  if (!(err instanceof AppError) || !fixable(err)) return err;
  if (err.details.field !== undefined && err.details.field !== "file") return err;
  const page = err.code === "unsupported_format" && /html/i.test(contentType ?? "");
  const hint = page
    ? "The URL is a web page, not an image: open it, right-click the image, copy the image " +
      "address and import that."
    : err.details.hint;
  return new AppError(err.code, err.message, { ...err.details, field: "url", hint });
}

export function importRoutes(
  app: OpenAPIHono<AppEnv>,
  deps: AppDeps,
  fetcher = new SafeFetcher({
    allowHosts: deps.config.import.allowHosts,
    timeoutMs: deps.config.import.timeoutMs,
    userAgent: `imgpro-import/${VERSION}`,
  }),
) {
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
    const ttl = body.ttl === undefined ? undefined : String(body.ttl);
    // A request that is wrong anyway should not cost anyone a fetch.
    if (ttl !== undefined) parseTtl(ttl);
    const identity = {
      caption: body.caption || undefined,
      ttl,
      metadata: body.metadata,
      owner: caller.kind === "account" ? caller.accountId : null,
      client: caller.client,
      idempotencyKey: c.req.valid("header")["idempotency-key"],
      fingerprint: `import:${body.url}`,
    };
    const first = await deps.uploads.replayed(identity);
    if (first) {
      c.header("Idempotent-Replayed", "true");
      c.header("Location", first.link);
      return c.json(first, 201);
    }
    let fetched;
    try {
      fetched = await fetcher.fetch(body.url, {
        maxBytes: maxBytesFor(caller, deps.config),
        signal: c.req.raw.signal,
      });
    } catch (err) {
      throw toAppError(err, deps, caller);
    }
    const { image, replayed } = await deps.uploads.upload({
      ...identity,
      bytes: fetched.bytes,
      source: "import",
      sourceUrl: fetched.url,
      correlationId: c.get("requestId"),
    }).catch((err) => {
      throw forImport(err, fetched.contentType);
    });
    if (replayed) c.header("Idempotent-Replayed", "true");
    c.header("Location", image.link);
    return c.json(image, 201);
  });
}
