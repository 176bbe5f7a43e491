import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { openApiSource, registerBearerScheme } from "./docs/openapi_document.ts";
import { apiReferenceCsp } from "../src/http/mod.ts";
import type { AppDeps, AppEnv } from "../src/http/mod.ts";
import { assetUrl, preloadScalar } from "./pages/assets.ts";
import { errorResponses } from "./schemas.ts";

// The renderers (YAML, the llms texts, Scalar, the agents' guide) load on their first request:
// a cold start (Deploy scales to zero) should not pay for pages most requests never ask for.
const yaml = () => import("yaml");
const llms = () => Promise.all([import("./docs/llms_full.ts"), import("./docs/llms_short.ts")]);

const text = (path: string, summary: string, mediaType: string) =>
  createRoute({
    method: "get",
    path,
    summary,
    responses: {
      200: { description: summary, content: { [mediaType]: { schema: z.string() } } },
      ...errorResponses(),
    },
  });

const routes = {
  json: createRoute({
    method: "get",
    path: "/openapi.json",
    summary: "This document, OpenAPI 3.1 (JSON)",
    responses: {
      200: {
        description: "The OpenAPI document",
        content: { "application/json": { schema: z.record(z.string(), z.unknown()) } },
      },
      ...errorResponses(),
    },
  }),
  yaml: text("/openapi.yaml", "This document, OpenAPI 3.1 (YAML)", "application/yaml"),
  llms: text("/llms.txt", "A short plain-text guide for language models", "text/plain"),
  llmsFull: text("/llms-full.txt", "The full plain-text reference", "text/plain"),
};

/** Scalar renders into #app; api.js reads the document's URL from the element. */
const apiPage = () =>
  `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">` +
  `<meta name="viewport" content="width=device-width, initial-scale=1">` +
  `<title>imgpro API</title><link rel="icon" href="/favicon.ico"></head>` +
  `<body><div id="app" data-url="/openapi.json"></div>` +
  `<script src="${assetUrl("scalar.js")}"></script><script src="${assetUrl("api.js")}"></script>` +
  `</body></html>`;

// Documents are the same for every caller and change only with a deploy.
const CACHE = "public, max-age=300";

export function docsRoutes(app: OpenAPIHono<AppEnv>, deps: AppDeps) {
  registerBearerScheme(app);
  const doc = openApiSource(app, { publicUrl: deps.config.publicUrl, version: deps.version });

  app.openapi(routes.json, (c) => c.json(doc(), 200, { "Cache-Control": CACHE }));
  app.openapi(routes.yaml, async (c) =>
    c.body((await yaml()).stringify(doc()), 200, {
      "Content-Type": "application/yaml; charset=utf-8",
      "Cache-Control": CACHE,
    }));
  app.openapi(routes.llms, async (c) => {
    const [, { llmsShort }] = await llms();
    return c.text(llmsShort(doc(), deps.config), 200, { "Cache-Control": CACHE });
  });
  app.openapi(routes.llmsFull, async (c) => {
    const [{ llmsFull }] = await llms();
    return c.text(llmsFull(doc(), deps.config), 200, { "Cache-Control": CACHE });
  });

  // Scalar's standalone bundle is served from our copy of its npm package (pinned in deno.json),
  // so /api works offline and loads nothing from a CDN.
  const apiCsp = apiReferenceCsp(deps.config.publicUrl);
  app.get("/api", async (c) => {
    await preloadScalar(); // read and compressed on the first visit, so its URL has its version
    c.header("Content-Security-Policy", apiCsp);
    c.header("Cache-Control", CACHE);
    return c.html(apiPage());
  });
  app.get("/api/ai-agents", async (c) => {
    const { agentsGuide } = await import("./pages/agents_page.tsx");
    return c.html(agentsGuide(deps.config, c.get("caller")?.kind === "account"));
  });
}
