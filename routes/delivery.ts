import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppDeps, AppEnv } from "../src/http/mod.ts";
import { ALLOWED, type Delivery } from "../src/delivery/mod.ts";
import { errorResponses } from "./schemas.ts";
import { GonePage, ViewerPage } from "./pages/viewer_page.tsx";

const FILE = /^[0-9A-Za-z]{10}(\.[A-Za-z0-9]{1,5})?$/;

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

function setHeaders(c: Context<AppEnv>, headers: Record<string, string>) {
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
}

/** Renders what DeliverImage answered; image bytes carry exactly the service's headers. */
function render(c: Context<AppEnv>, deps: AppDeps, out: Delivery): Response {
  if (out.kind === "gone_page") {
    return c.html(`<!DOCTYPE html>${GonePage({ id: out.id, caller: c.get("caller") })}`, 410);
  }
  if (out.kind === "viewer") {
    // A logged-in person's page carries their header (and, for the owner, a delete link).
    c.header(
      "Cache-Control",
      c.get("caller")?.kind === "account" ? "private, max-age=60" : "public, max-age=60",
    );
    const page = ViewerPage({
      doc: out.doc,
      image: out.image,
      publicUrl: deps.config.publicUrl,
      nowSeconds: out.nowSeconds,
      caller: c.get("caller"),
    });
    return c.html(`<!DOCTYPE html>${page}`, 200);
  }
  setHeaders(c, out.headers);
  if (out.body === null) return c.body(null, out.status);
  return c.body(out.body as Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array<ArrayBuffer>>, 200);
}

export function deliveryRoutes(app: OpenAPIHono<AppEnv>, deps: AppDeps) {
  app.openapi(route, async (c) => {
    const file = c.req.valid("param").file;
    const target = deps.delivery.target(file);
    c.header("Vary", "Accept");
    const out = await deps.delivery.deliver({
      file,
      target,
      search: new URL(c.req.url).search,
      queries: c.req.queries(),
      accept: c.req.header("accept"),
      ifNoneMatch: c.req.header("if-none-match"),
      head: c.req.method === "HEAD",
      onHeaders: (headers) => setHeaders(c, headers),
    });
    return render(c, deps, out);
  });
}

const IMAGE_PATH = /^\/([0-9A-Za-z]{10}(?:\.[A-Za-z0-9]{1,5})?)$/;
const REQUEST_ID = /^[\w\-=]{1,255}$/;

/** Where the path and query of an absolute request URL start, without building a URL. */
function pathAndQuery(url: string): [string, string] {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  const q = url.indexOf("?", start);
  const end = url.indexOf("#", start);
  const stop = end === -1 ? url.length : end;
  return q === -1 || q > stop
    ? [url.slice(start, stop), ""]
    : [url.slice(start, q), url.slice(q, stop)];
}

/**
 * Hot links answered before the middleware stack: a variant this process holds in memory goes
 * out with the headers the full route would send (the request id as the requestId middleware
 * makes it). Anything else, or a request the middleware could answer otherwise, null: the app
 * answers it.
 *
 * Building a Response validates every header, which costs a hot link more than everything else
 * it does; so each hot variant keeps one ready response (while its Cache-Control holds) and
 * every hit sends a clone. The WeakMap lets it go with the variant's bytes.
 */
export function hotDelivery(deps: Pick<AppDeps, "delivery">) {
  const ready = new WeakMap<Uint8Array, { cacheControl: string; response: Response }>();
  return (req: Request): Response | null => {
    if (req.method !== "GET" && req.method !== "HEAD") return null;
    const [path, search] = pathAndQuery(req.url);
    const file = IMAGE_PATH.exec(path)?.[1];
    if (!file) return null;
    const headers = req.headers;
    // What the middleware would answer instead of the image: a 401 for a bad API key (a key is
    // checked on every request, image links included), and the canonical-host redirect of a
    // browser opening a link without an extension (src/http/canonical_host.ts).
    if (headers.has("authorization")) return null;
    if (!file.includes(".") && headers.get("sec-fetch-mode") === "navigate") return null;
    const out = deps.delivery.hot(
      file,
      search,
      headers.get("accept") ?? undefined,
      headers.get("if-none-match") ?? undefined,
    );
    if (!out) return null;
    const sent = headers.get("x-request-id");
    const requestId = sent && REQUEST_ID.test(sent) ? sent : crypto.randomUUID();
    const bytes = out.body as Uint8Array<ArrayBuffer> | null;
    if (out.status !== 200 || req.method === "HEAD" || bytes === null) {
      const res = new Response(req.method === "HEAD" ? null : bytes, {
        status: out.status,
        headers: out.headers,
      });
      res.headers.set("X-Request-Id", requestId);
      return res;
    }
    const cacheControl = out.headers["Cache-Control"];
    let template = ready.get(bytes);
    if (!template || template.cacheControl !== cacheControl) {
      template = { cacheControl, response: new Response(bytes, { headers: out.headers }) };
      ready.set(bytes, template);
    }
    const res = template.response.clone();
    res.headers.set("X-Request-Id", requestId);
    return res;
  };
}
