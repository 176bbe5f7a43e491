import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { openApiSource, registerBearerScheme } from "../src/docs/openapi_document.ts";
import type { AppDeps, AppEnv } from "../src/http/types.ts";
import { errorResponses } from "./schemas.ts";

// The renderers (YAML, the llms texts, Scalar, the agents' guide) load on their first request:
// a cold start (Deploy scales to zero) should not pay for pages most requests never ask for.
const yaml = () => import("yaml");
const llms = () =>
  Promise.all([import("../src/docs/llms_full.ts"), import("../src/docs/llms_short.ts")]);

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

const SCALAR_SCRIPT =
  "https://cdn.jsdelivr.net/npm/@scalar/api-reference@1.72.1/dist/browser/standalone.js";

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

  // The page is rendered here; its script comes from Scalar's CDN in the browser, pinned so the
  // docs do not change under us with Scalar's releases.
  let scalar: Promise<MiddlewareHandler> | null = null;
  app.get("/api", async (c, next) => {
    scalar ??= import("@scalar/hono-api-reference").then(({ Scalar }) =>
      Scalar({ url: "/openapi.json", pageTitle: "imgpro API", cdn: SCALAR_SCRIPT })
    );
    return await (await scalar)(c, next);
  });
  app.get("/api/ai-agents", async (c) => {
    const { agentsGuide } = await import("./agents_page.tsx");
    return c.html(agentsGuide(deps.config));
  });
}
