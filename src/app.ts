import { OpenAPIHono } from "@hono/zod-openapi";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { deliveryRoutes } from "../routes/delivery.ts";
import { healthRoutes } from "../routes/health.ts";
import { uploadRoutes } from "../routes/upload.ts";
import { AppError } from "./http/app_error.ts";
import { callerMiddleware } from "./http/caller.ts";
import { notFound, onError } from "./http/error_handler.ts";
import type { AppDeps, AppEnv } from "./http/types.ts";

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
          type: "fix",
          hint: "See /openapi.json for the expected request.",
          ...(field ? { field } : {}),
        },
      );
    },
  });
  app.use(requestId());
  // Images are meant to be embedded anywhere, so the resource policy must allow cross-origin.
  app.use(
    secureHeaders({ crossOriginResourcePolicy: "cross-origin", crossOriginOpenerPolicy: false }),
  );
  app.use(callerMiddleware(deps.secret));
  app.onError(onError);
  app.notFound(notFound);
  healthRoutes(app, deps);
  uploadRoutes(app, deps);
  deliveryRoutes(app, deps);
  return app;
}
