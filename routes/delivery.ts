import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { ImageDoc } from "../projections/image_read_model.ts";
import { toUnixSeconds } from "../src/clock.ts";
import { AppError } from "../domain/errors.ts";
import type { AppDeps, AppEnv } from "../src/http/types.ts";
import type { TransformParams } from "../src/transform/params.ts";
import { canonicalString } from "../src/delivery/canonical.ts";
import { ALLOWED, parseTransformQuery } from "../src/delivery/query_schema.ts";
import { checkSignature } from "../src/delivery/signing.ts";
import { withNegotiatedFormat } from "../src/delivery/format_auto.ts";
import { errorResponses } from "./schemas.ts";
import { BlobMissingError } from "../src/delivery/transform_service.ts";
import { StoreUnavailableError } from "../src/blob_store/mod.ts";
import { isLive } from "../src/images/image_view.ts";
import { GonePage, ViewerPage } from "./pages/viewer_page.tsx";

const YEAR = 31_536_000;
const FILE = /^[0-9A-Za-z]{10}(\.[A-Za-z0-9]{1,5})?$/;
const EXT_ALIASES: Record<string, string> = { jpeg: "jpg" };
/** Image bytes must never run as a document, whatever a browser sniffs (an SVG above all). */
const IMAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

// Declared for the OpenAPI document only: parseTransformQuery validates, so that a bad value is
// a 400 invalid_transform naming the parameter rather than a generic validation error. A
// repeated parameter reaches the route's validator as an array; it is let through (documented
// as the string it must be) so that parseTransformQuery's own check refuses it by name.
const queryParam = (description: string) =>
  z.preprocess(
    (v) => Array.isArray(v) ? String(v[0]) : v,
    z.string().optional().openapi({ description }),
  );
const TransformQuery = z.object({
  ...Object.fromEntries(
    Object.entries(ALLOWED).map(([name, allowed]) => [name, queryParam(allowed)]),
  ),
  sig: queryParam("HMAC signature; required with w, h, fit, gravity or dpr"),
});

const route = createRoute({
  method: "get",
  path: "/{file}",
  summary: "An image's link: the viewer page for browsers, the (transformed) bytes otherwise",
  description: "Query parameters transform the image (SPEC §5); `/{id}.webp` means format=webp. " +
    "`segment=foreground` removes the background (PNG by default; `X-Segment-Method` names the " +
    "method; 503 overloaded with Retry-After if the mask takes longer than a few seconds); " +
    "`gravity=face` (signed links) crops to the faces.",
  request: {
    params: z.object({
      // Checked in the handler: anything else at the root (robots.txt, favicon.ico) is a 404.
      file: z.string().openapi({
        example: "V1StGXR8Z5.jpg",
        pattern: FILE.source,
      }),
    }),
    query: TransformQuery,
  },
  responses: {
    200: {
      description: "Image bytes, or an HTML viewer page when Accept asks for text/html",
      headers: {
        "X-Segment-Method": {
          description:
            "With segment=foreground: flood, selfie, grabcut or onnx (see llms-full.txt)",
          schema: { type: "string", enum: ["flood", "selfie", "grabcut", "onnx"] },
        },
      },
      content: {
        "image/*": { schema: z.string().openapi({ format: "binary" }) },
        "text/html": { schema: z.string() },
      },
    },
    304: { description: "Not modified" },
    ...errorResponses(400, 403, 404, 410, "image_too_complex", 503, "store_unavailable"),
  },
});

function notFound(id: string) {
  return new AppError("not_found", `No image at /${id}.`, {
    hint: "Check the link; ids are 10 characters.",
  });
}

function gone(id: string) {
  return new AppError("gone", `Image ${id} has expired or was deleted.`, {
    hint: "Upload it again.",
  });
}

function invalidSignature(problem: "missing" | "invalid") {
  return new AppError(
    "invalid_signature",
    problem === "missing"
      ? "w, h, fit, gravity and dpr are only accepted in a signed link."
      : "The signature does not match this image and these resize parameters.",
    {
      field: "sig",
      hint: "Use the link exactly as it was signed (POST /v1/images/{id}/links or the " +
        "dashboard's tools make one); other parameters may be added, signed ones not changed.",
    },
  );
}

function cacheControl(doc: ImageDoc, nowSeconds: number) {
  if (doc.expires_at === null) return `public, max-age=${YEAR}, immutable`;
  return `public, max-age=${Math.max(0, Math.min(YEAR, doc.expires_at - nowSeconds))}`;
}

const wantsHtml = (c: Context) => (c.req.header("accept") ?? "").includes("text/html");

function matches(inm: string | undefined, etag: string): boolean {
  if (!inm) return false;
  return inm.trim() === "*" || inm.split(",").some((t) => t.trim().replace(/^W\//, "") === etag);
}

/** The query of the image URL in the viewer page: canonical, the format carried by the path. */
function imageQuery(p: TransformParams, sig: string | null): string {
  const query = [canonicalString({ ...p, format: undefined }), sig ? `sig=${sig}` : ""]
    .filter(Boolean).join("&");
  return query ? `?${query}` : "";
}

export function deliveryRoutes(app: OpenAPIHono<AppEnv>, deps: AppDeps) {
  app.openapi(route, async (c) => {
    const serve = async () => {
      const file = c.req.valid("param").file;
      if (!FILE.test(file)) throw notFound(file);
      const [id, rawExt] = file.split(".");
      const ext = rawExt === undefined
        ? undefined
        : EXT_ALIASES[rawExt.toLowerCase()] ?? rawExt.toLowerCase();
      const html = ext === undefined && wantsHtml(c);
      c.header("Vary", "Accept");
      const doc = await deps.queries.getForDelivery(id);
      if (!doc) throw notFound(id);
      const nowSeconds = toUnixSeconds(deps.clock.now());
      // Reads check the time themselves: an image is never served after expires_at, cron or not.
      if (doc.status !== "live" || (doc.expires_at !== null && doc.expires_at <= nowSeconds)) {
        if (html) return c.html(`<!DOCTYPE html>${GonePage({ id, caller: c.get("caller") })}`, 410);
        throw gone(id);
      }
      const parsed = parseTransformQuery(c.req.queries());
      const { params, sig } = parsed.auto && ext === undefined
        ? withNegotiatedFormat(parsed, doc, c.req.header("accept"))
        : parsed;
      const signature = await checkSignature(deps.secret, id, params, sig);
      if (signature !== "ok") throw invalidSignature(signature);
      const rendition = await deps.transforms.resolve(doc, params, ext);
      if (html) {
        // A logged-in person's page carries their header (and, for the owner, a delete link).
        c.header(
          "Cache-Control",
          c.get("caller")?.kind === "account" ? "private, max-age=60" : "public, max-age=60",
        );
        const image = {
          url: `${deps.config.publicUrl}/${id}.${rendition.format}${imageQuery(params, sig)}`,
          mime: rendition.mime,
          format: rendition.format,
          width: rendition.width,
          height: rendition.height,
        };
        return c.html(
          `<!DOCTYPE html>${
            ViewerPage({
              doc,
              image,
              publicUrl: deps.config.publicUrl,
              nowSeconds,
              caller: c.get("caller"),
            })
          }`,
          200,
        );
      }

      c.header("ETag", rendition.etag);
      c.header("Cache-Control", cacheControl(doc, nowSeconds));
      c.header("X-Content-Type-Options", "nosniff");
      // Public images: a page on any site may draw them on a canvas or fetch() them.
      c.header("Access-Control-Allow-Origin", "*");
      c.header("Content-Security-Policy", IMAGE_CSP);
      if (matches(c.req.header("if-none-match"), rendition.etag)) return c.body(null, 304);
      const { body, size, segmentMethod } = await deps.transforms.body(doc, params, rendition);
      if (segmentMethod) c.header("X-Segment-Method", segmentMethod);
      c.header("Content-Type", rendition.mime);
      c.header("Content-Length", String(size));
      c.header("Content-Disposition", `inline; filename="${id}.${rendition.format}"`);
      if (c.req.method === "HEAD") {
        if (body instanceof ReadableStream) await body.cancel();
        return c.body(null, 200);
      }
      return c.body(body as Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array<ArrayBuffer>>, 200);
    };
    try {
      return await serve();
    } catch (err) {
      // The cached record may predate an expiry or delete done elsewhere (another isolate, the
      // expire task): ask KV itself before calling a missing blob an internal error.
      if (!(err instanceof BlobMissingError)) throw err;
      deps.queries.forget(err.imageId);
      const fresh = await deps.queries.get(err.imageId);
      if (fresh && isLive(fresh, toUnixSeconds(deps.clock.now()))) {
        // A live image whose bytes the store does not have (removed behind our back, or a store
        // that lags its own writes): the store's fault, not ours, and possibly passing.
        console.error(`GET ${err.imageId}: ${err.message}`);
        throw new StoreUnavailableError(err.message);
      }
      if (wantsHtml(c)) {
        return c.html(
          `<!DOCTYPE html>${GonePage({ id: err.imageId, caller: c.get("caller") })}`,
          410,
        );
      }
      throw gone(err.imageId);
    }
  });
}
