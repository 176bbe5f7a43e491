import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { cors } from "hono/cors";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { accountApi } from "../routes/account_api.ts";
import { actionPages } from "../routes/action_pages.tsx";
import { authPages } from "../routes/auth_pages.tsx";
import { dashboardPages } from "../routes/dashboard_pages.tsx";
import { deliveryRoutes, hotDelivery } from "../routes/delivery.ts";
import { docsRoutes } from "../routes/docs_routes.ts";
import { homePage } from "../routes/home_page.tsx";
import { toolsPage } from "../routes/tools_page.tsx";
import { imagesApi } from "../routes/images_api.ts";
import { signedLinks } from "../routes/signed_links.ts";
import { healthRoutes } from "../routes/health.ts";
import { importRoutes } from "../routes/import.ts";
import { uploadRoutes } from "../routes/upload.ts";
import { assetRoutes } from "../routes/pages/assets.ts";
import { errorPage } from "../routes/pages/error_page.tsx";
import { canonicalHost } from "./http/canonical_host.ts";
import { pageCspMiddleware } from "./http/page_csp.ts";
import { uploaderRoutes } from "../routes/uploaders.ts";
import { webhookRoutes } from "../routes/webhooks.ts";
import { AppError } from "../domain/errors.ts";
import { callerKey, callerMiddleware } from "./http/caller.ts";
import { anonIngestLimit, quotaHeaders } from "./http/limits.ts";
import { bodyCap, bodyGate, bodyGateOptions } from "./http/body_gate.ts";
import { defaultBodyLimit } from "./http/body_limit.ts";
import { ingestGate } from "./http/ingest_gate.ts";
import { errorHandler, notFoundHandler } from "./http/error_handler.ts";
import { mcpRoutes } from "../routes/mcp/mcp_routes.ts";
import type { AppDeps, AppEnv } from "./http/types.ts";

/** `/{id}.{ext}`, or `/{id}` asked for by something other than a browser page. */
function isImageRequest(c: Context): boolean {
  if (c.req.method !== "GET" && c.req.method !== "HEAD") return false;
  const path = c.req.path;
  if (!/^\/[0-9A-Za-z]{10}(\.[A-Za-z0-9]{1,5})?$/.test(path)) return false;
  return path.includes(".") || !(c.req.header("accept") ?? "").includes("text/html");
}

export function createApp(deps: AppDeps): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({
    // Request validation failures become the same envelope as every other error.
    defaultHook: (result) => {
      if (result.success) return;
      const issue = result.error.issues[0];
      const field = issue?.path.map(String).join(".") || undefined;
      throw new AppError(
        "validation_error",
        `Invalid ${field ?? "request"}: ${issue?.message ?? "bad input"}.`,
        {
          hint: "See /openapi.json for the expected request.",
          ...(field ? { field } : {}),
        },
      );
    },
  });
  app.use(requestId());
  // Images are meant to be embedded anywhere, so the resource policy must allow cross-origin.
  const pageHeaders = secureHeaders({
    crossOriginResourcePolicy: "cross-origin",
    crossOriginOpenerPolicy: false,
  });
  // Image bytes carry their own short set (nosniff, a sandbox CSP, CORS; see routes/delivery.ts):
  // the page-oriented headers mean nothing on an image and cost a hot link a fifth of its speed.
  app.use((c, next) => isImageRequest(c) ? next() : pageHeaders(c, next));
  // Pages get a Content-Security-Policy unless their route set its own (src/http/page_csp.ts).
  const csp = pageCspMiddleware(deps.config.publicUrl);
  app.use((c, next) => isImageRequest(c) ? next() : csp(c, next));
  app.use(canonicalHost(deps.config));
  // The JSON API is called from other sites' pages too. `*` never carries cookies, so a
  // cross-site call acts with its API key or anonymously, never as a logged-in person.
  app.use(
    "/v1/*",
    cors({
      origin: "*",
      allowHeaders: ["Authorization", "Content-Type", "Idempotency-Key", "If-Match"],
      allowMethods: ["GET", "POST", "PATCH", "DELETE", "OPTIONS"],
      exposeHeaders: [
        "Location",
        "Retry-After",
        "ETag",
        "Idempotent-Replayed",
        "X-Quota-Uploads-Used",
        "X-Quota-Uploads-Limit",
        "X-Quota-Storage-Used",
      ],
      maxAge: 86_400,
    }),
  );
  app.use(callerMiddleware(deps));
  // Every body is capped while it streams in; upload, import and MCP set their own caps.
  app.use(defaultBodyLimit());
  const rendering = { ...deps, errorPage };
  app.onError(errorHandler(rendering));
  app.notFound(notFoundHandler(rendering));
  app.use("/v1/*", quotaHeaders(deps));
  app.use("/v1/upload", anonIngestLimit(deps));
  app.use("/v1/import", anonIngestLimit(deps));
  // Bodies are read first (slow ones cut), then an ingest slot is taken for decoding only.
  const reader = bodyGate(
    bodyGateOptions(deps.config),
    (c) => bodyCap(deps, c.get("caller")),
    (c) => callerKey(c.get("caller")),
  );
  app.use("/v1/upload", reader);
  app.use("/v1/import", reader);
  const gate = ingestGate(deps.config.ingest);
  app.use("/v1/upload", gate);
  app.use("/v1/import", gate);
  healthRoutes(app, deps);
  uploadRoutes(app, deps);
  importRoutes(app, deps);
  accountApi(app, deps);
  imagesApi(app, deps);
  signedLinks(app, deps);
  uploaderRoutes(app, deps);
  webhookRoutes(app, deps);
  authPages(app, deps);
  dashboardPages(app, deps);
  toolsPage(app, deps);
  actionPages(app, deps);
  homePage(app, deps);
  docsRoutes(app, deps);
  mcpRoutes(app, deps);
  assetRoutes(app);
  // Last: `/{id}` matches any single path segment, so named pages must be mounted before it.
  deliveryRoutes(app, deps);
  // Hot image links skip the middleware stack: see hotDelivery for why the headers still match.
  const hot = hotDelivery(deps);
  const full = app.fetch;
  app.fetch = (req, ...rest) => hot(req) ?? full(req, ...rest);
  return app;
}
