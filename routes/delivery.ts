import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { ImageDoc } from "../projections/image_read_model.ts";
import { toUnixSeconds } from "../src/clock.ts";
import { AppError } from "../src/http/app_error.ts";
import type { AppDeps, AppEnv } from "../src/http/types.ts";
import { errorResponses } from "./schemas.ts";
import { GonePage, ViewerPage } from "./viewer_page.tsx";

const YEAR = 31_536_000;
const EXT_ALIASES: Record<string, string> = { jpeg: "jpg" };

const route = createRoute({
  method: "get",
  path: "/{file}",
  summary: "An image's link: the viewer page for browsers, the bytes for everything else",
  request: {
    params: z.object({
      file: z.string().regex(/^[0-9A-Za-z]{10}(\.[A-Za-z0-9]{1,5})?$/).openapi({
        example: "V1StGXR8Z5.jpg",
      }),
    }),
  },
  responses: {
    200: {
      description: "Image bytes, or an HTML viewer page when Accept asks for text/html",
      content: {
        "image/*": { schema: z.string().openapi({ format: "binary" }) },
        "text/html": { schema: z.string() },
      },
    },
    304: { description: "Not modified" },
    ...errorResponses(400, 404, 410),
  },
});

function notFound(id: string) {
  return new AppError("not_found", `No image with id ${id}.`, {
    type: "fix",
    hint: "Check the link; ids are 10 characters.",
  });
}

function gone(id: string) {
  return new AppError("gone", `Image ${id} has expired or was deleted.`, {
    type: "fix",
    hint: "Upload it again.",
  });
}

/** Transforms arrive with the transforms issue; until then a parameter is refused, never ignored. */
function refuseTransforms(c: Context) {
  const names = Object.keys(c.req.queries());
  if (names.length === 0) return;
  throw new AppError("invalid_transform", `Unknown parameter "${names[0]}".`, {
    type: "fix",
    field: names[0],
    hint: "This link takes no query parameters yet; remove them to get the original.",
  });
}

function cacheControl(doc: ImageDoc, nowSeconds: number) {
  if (doc.expires_at === null) return `public, max-age=${YEAR}, immutable`;
  return `public, max-age=${Math.max(0, Math.min(YEAR, doc.expires_at - nowSeconds))}`;
}

const wantsHtml = (c: Context) => (c.req.header("accept") ?? "").includes("text/html");

export function deliveryRoutes(app: OpenAPIHono<AppEnv>, deps: AppDeps) {
  app.openapi(route, async (c) => {
    const [id, rawExt] = c.req.valid("param").file.split(".");
    const ext = rawExt === undefined
      ? undefined
      : EXT_ALIASES[rawExt.toLowerCase()] ?? rawExt.toLowerCase();
    const html = ext === undefined && wantsHtml(c);
    c.header("Vary", "Accept");
    const doc = await deps.queries.get(id);
    if (!doc) throw notFound(id);
    const nowSeconds = toUnixSeconds(deps.clock.now());
    // Reads check the time themselves: an image is never served after expires_at, cron or not.
    if (doc.status !== "live" || (doc.expires_at !== null && doc.expires_at <= nowSeconds)) {
      if (html) return c.html(`<!DOCTYPE html>${GonePage({ id })}`, 410);
      throw gone(id);
    }
    refuseTransforms(c);
    if (ext !== undefined && ext !== doc.extension) {
      throw new AppError("invalid_transform", `Cannot serve ${id} as .${ext} yet.`, {
        type: "fix",
        field: "format",
        hint: `Use ${deps.config.publicUrl}/${id}.${doc.extension}.`,
      });
    }
    if (html) {
      c.header("Cache-Control", "public, max-age=60");
      return c.html(
        `<!DOCTYPE html>${ViewerPage({ doc, publicUrl: deps.config.publicUrl, nowSeconds })}`,
        200,
      );
    }

    const etag = `"${doc.blob.hash}"`;
    c.header("ETag", etag);
    c.header("Cache-Control", cacheControl(doc, nowSeconds));
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox");
    const inm = c.req.header("if-none-match");
    if (
      inm &&
      (inm.trim() === "*" || inm.split(",").some((t) => t.trim().replace(/^W\//, "") === etag))
    ) {
      return c.body(null, 304);
    }
    const blob = await deps.blobs.read(doc.blob.hash);
    if (!blob) throw new Error(`image ${id} references missing blob ${doc.blob.hash}`);
    c.header("Content-Type", doc.mime);
    c.header("Content-Length", String(blob.info.size));
    c.header("Content-Disposition", `inline; filename="${id}.${doc.extension}"`);
    if (c.req.method === "HEAD") {
      await blob.body.cancel();
      return c.body(null, 200);
    }
    return c.body(blob.body, 200);
  });
}
