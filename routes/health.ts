import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppDeps, AppEnv } from "../src/http/mod.ts";
import { errorResponses } from "./schemas.ts";

const route = createRoute({
  method: "get",
  path: "/healthz",
  summary: "Liveness and version",
  responses: {
    200: {
      description: "The service is up",
      content: {
        "application/json": { schema: z.object({ ok: z.boolean(), version: z.string() }) },
      },
    },
    ...errorResponses(),
  },
});

export function healthRoutes(app: OpenAPIHono<AppEnv>, deps: AppDeps) {
  app.openapi(route, (c) => c.json({ ok: true, version: deps.version }, 200));
}
