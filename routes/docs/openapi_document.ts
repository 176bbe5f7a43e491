import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../src/http/mod.ts";

/** The generator's own type, without naming its package (it is a dependency of zod-openapi). */
export type OpenApiDocument = ReturnType<OpenAPIHono<AppEnv>["getOpenAPI31Document"]>;

// Grouping for the interactive docs; the first matching prefix wins.
const TAGS: [prefix: string, tag: string][] = [
  ["/v1/upload", "Images"],
  ["/v1/import", "Images"],
  ["/v1/images", "Images"],
  ["/delete/", "Images"],
  ["/v1/account", "Account"],
  ["/v1/keys", "Account"],
  ["/mcp", "Agents"],
  ["/llms", "Agents"],
  ["/openapi", "Docs"],
  ["/healthz", "Service"],
  ["/{", "Delivery"],
];

/**
 * The bearer scheme the routes' `security: [{ bearer: [] }]` points at. Registered once, when the
 * docs are mounted, so every generation of the document has it.
 */
export function registerBearerScheme(app: OpenAPIHono<AppEnv>) {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "An API key (`img_live_…`), created at /keys or with POST /v1/keys. " +
      "Without one, uploads and imports are anonymous: rate-limited per IP and expiring.",
  });
}

/**
 * OpenAPI 3.1 from the zod schemas the routes validate with. Built once per app, on first use:
 * by then every route is mounted, and neither the routes nor the config change afterwards.
 */
export function openApiSource(
  app: OpenAPIHono<AppEnv>,
  info: { publicUrl: string; version: string },
): () => OpenApiDocument {
  let doc: OpenApiDocument | undefined;
  return () => {
    doc ??= build(app, info);
    return doc;
  };
}

function build(app: OpenAPIHono<AppEnv>, info: { publicUrl: string; version: string }) {
  const doc = app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "imgpro",
      version: info.version,
      description: "Upload an image or import one from a URL and get a link that serves it, " +
        "transformed by query parameters. No account is needed to start. Every error is " +
        "`{error, message, action}`; `action.type` tells a client what to do next. " +
        "Plain-text references: /llms.txt and /llms-full.txt; agents: /api/ai-agents and /mcp.",
    },
    servers: [{ url: info.publicUrl }],
  });
  const tags = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    const tag = TAGS.find(([prefix]) => path.startsWith(prefix))?.[1];
    if (!tag) continue;
    for (const op of Object.values(item)) {
      if (op && typeof op === "object" && "responses" in op && !op.tags) {
        op.tags = [tag];
        tags.add(tag);
      }
    }
  }
  doc.tags = [...tags].map((name) => ({ name }));
  return doc;
}
