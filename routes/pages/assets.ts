import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { decodeBase64Url } from "../../src/encoding.ts";
import { sha256Hex } from "../../src/crypto.ts";
import type { AppEnv } from "../../src/http/mod.ts";
import { errorResponses } from "../schemas.ts";

/**
 * The pages' scripts and styles are files served from here, never inline, so the pages' CSP can
 * say `script-src 'self'; style-src 'self'` with no nonce, hash or 'unsafe-inline'. Each URL
 * carries a hash of its content, so it is cached for a year and a deploy changes it.
 */
const FILES = {
  "app.css": "text/css; charset=utf-8",
  "viewer.css": "text/css; charset=utf-8",
  "upload.js": "text/javascript; charset=utf-8",
  "copy.js": "text/javascript; charset=utf-8",
  "tools.js": "text/javascript; charset=utf-8",
  "api.js": "text/javascript; charset=utf-8",
} as const;
export type AssetName = keyof typeof FILES | "scalar.js";

type Asset = { body: Uint8Array; gzip?: Uint8Array; type: string; version: string };
const assets = new Map<string, Asset>();

async function load(url: URL, type: string): Promise<Asset> {
  const body = await Deno.readFile(url);
  const version = (await sha256Hex(body)).slice(0, 12);
  return { body, type, version };
}

for (const [name, type] of Object.entries(FILES)) {
  assets.set(name, await load(new URL(`./assets/${name}`, import.meta.url), type));
}

/**
 * Scalar's standalone bundle, from the npm package (the `browser` file of @scalar/api-reference),
 * read from Deno's copy of the package: /api loads nothing from a CDN.
 */
async function scalar(): Promise<Asset> {
  const cached = assets.get("scalar.js");
  if (cached) return cached;
  const main = import.meta.resolve("@scalar/api-reference/");
  const asset = await load(
    new URL("./browser/standalone.js", main),
    "text/javascript; charset=utf-8",
  );
  // 4.8 MB: compressed once, since every visit to /api downloads it.
  asset.gzip = new Uint8Array(
    await new Response(
      new Blob([asset.body as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
        new CompressionStream("gzip"),
      ),
    ).arrayBuffer(),
  );
  assets.set("scalar.js", asset);
  return asset;
}

/** The versioned URL of an asset, for `<script src>` and `<link href>`. */
export function assetUrl(name: AssetName): string {
  const version = assets.get(name)?.version;
  return version ? `/assets/${name}?v=${version}` : `/assets/${name}`;
}

/**
 * A script the page carries inline, with the CSP source that allows exactly it
 * (`'sha256-…'` of its text).
 */
export type InlineScript = { text: string; source: string };
export function inlineScript(name: "upload.js"): InlineScript {
  return INLINE.get(name)!;
}
const INLINE = new Map<string, InlineScript>();
for (const name of ["upload.js"]) {
  const text = new TextDecoder().decode(assets.get(name)!.body);
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)),
  );
  INLINE.set(name, { text, source: `'sha256-${btoa(String.fromCharCode(...digest))}'` });
}

/** Loads the Scalar bundle ahead of the first /api visit, so its URL carries its version. */
export const preloadScalar = () => scalar().then(() => undefined);

// A 32×32 PNG in an ICO container: a white picture glyph on blue.
const FAVICON = decodeBase64Url(
  "AAABAAEAICAAAAEAIACcAAAAFgAAAIlQTkcNChoKAAAADUlIRFIAAAAgAAAAIAgGAAAAc3p69AAAAGNJREFUeNrt1m0K" +
    "ABAMgGGXcTLHdwhSfi7tk2x7y189FqWUbFdbHzdXAhJgClg9AUDFAZzyOQFo8+eAa68Ac0IzAGXM6gDqTfcFwGQGoKQO" +
    "4OQHIEkM0IgN0OxPQH5KYwLCNgFu6oGzOHzUVAAAAABJRU5ErkJggg==",
);

function serve(c: Context, asset: Asset) {
  const etag = `"${asset.version}"`;
  c.header("ETag", etag);
  c.header("X-Content-Type-Options", "nosniff");
  // Versioned URLs never change content; an unversioned one is revalidated.
  c.header(
    "Cache-Control",
    c.req.query("v") === asset.version ? "public, max-age=31536000, immutable" : "no-cache",
  );
  c.header("Vary", "Accept-Encoding");
  if (c.req.header("if-none-match") === etag) return c.body(null, 304);
  c.header("Content-Type", asset.type);
  const gzip = asset.gzip && /\bgzip\b/.test(c.req.header("accept-encoding") ?? "");
  if (gzip) c.header("Content-Encoding", "gzip");
  return c.body((gzip ? asset.gzip! : asset.body) as Uint8Array<ArrayBuffer>, 200);
}

const routes = {
  asset: createRoute({
    method: "get",
    path: "/assets/{file}",
    summary: "A script or stylesheet of the pages (`?v=` is its content hash)",
    request: { params: z.object({ file: z.string() }) },
    responses: {
      200: { description: "The file", content: { "text/javascript": { schema: z.string() } } },
      304: { description: "Not modified" },
      ...errorResponses("not_found"),
    },
  }),
  favicon: createRoute({
    method: "get",
    path: "/favicon.ico",
    summary: "The site icon",
    responses: {
      200: {
        description: "A 32×32 icon",
        content: { "image/x-icon": { schema: z.string().openapi({ format: "binary" }) } },
      },
      ...errorResponses("not_found"),
    },
  }),
};

export function assetRoutes(app: OpenAPIHono<AppEnv>) {
  app.openapi(routes.asset, async (c) => {
    const name = c.req.valid("param").file;
    const asset = name === "scalar.js" ? await scalar() : assets.get(name);
    if (!asset) return c.notFound() as never;
    return serve(c, asset) as never;
  });
  app.openapi(routes.favicon, (c) => {
    c.header("Cache-Control", "public, max-age=86400");
    c.header("Content-Type", "image/x-icon");
    return c.body(FAVICON as Uint8Array<ArrayBuffer>, 200) as never;
  });
}
