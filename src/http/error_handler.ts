import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { AppError, type ErrorCode, fixError } from "../../domain/errors.ts";
import type { Action } from "./error_catalogue.ts";
import { type ErrorContext, type Problem, problemOf } from "./error_mapping.ts";

const HTTP_CODES: Partial<Record<number, ErrorCode>> = {
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  413: "file_too_large",
};

/** Machine-facing paths keep the envelope whatever the client accepts. */
const API_PATH = /^\/(v1\/|mcp$|openapi\.|llms|healthz$|assets\/)/;

/**
 * A person's browser asking for a page (Accept: text/html, not the API) gets the error as a
 * page with the same status, message and next step; everything else gets the JSON envelope.
 */
function wantsPage(c: Context): boolean {
  return (c.req.header("accept") ?? "").includes("text/html") && !API_PATH.test(c.req.path);
}

/** The error as a page for a person; the page itself is a view in routes/pages. */
export type ErrorPage = (
  props: { status: number; message: string; action: Action; loggedIn: boolean },
) => string;

/** What rendering an error needs: the mapping's context and the page for browsers. */
export type ErrorRendering = ErrorContext & { errorPage: ErrorPage };

const callerOf = (c: Context) =>
  c.get("caller" as never) as { kind?: string; accountId?: string } | undefined;

/** The problem for this request's caller (an upgrade link is bound to the account). */
export function problemFor(c: Context, err: AppError, ctx: ErrorContext): Promise<Problem> {
  return problemOf(err, ctx, callerOf(c)?.accountId);
}

/** The JSON envelope, or its HTML page for a browser. */
async function answer(c: Context, err: AppError, ctx: ErrorRendering): Promise<Response> {
  const problem = await problemFor(c, err, ctx);
  if (!wantsPage(c)) return c.json(problem.body, problem.status as 400, problem.headers);
  const html = ctx.errorPage({
    status: problem.status,
    message: problem.message,
    action: problem.action,
    loggedIn: callerOf(c)?.kind === "account",
  });
  return c.html(html, problem.status as 400, problem.headers);
}

/** A framework refusal (a body limit, a CSRF check) in the service's own words. */
function fromHttpException(err: HTTPException): AppError {
  return fixError(
    HTTP_CODES[err.status] ?? "validation_error",
    err.status === 403 && !err.message
      ? "This form was posted from another site, so it was refused."
      : err.message || "Bad request.",
    err.status === 403
      ? "Submit the form from this site's own page."
      : "Check the request against /openapi.json.",
  );
}

/** The one place every error becomes the SPEC §7 envelope; stack traces only reach the log. */
export function errorHandler(ctx: ErrorRendering): ErrorHandler {
  return (err, c) => {
    if (err instanceof AppError) return answer(c, err, ctx);
    if (err instanceof HTTPException && err.status < 500) {
      return answer(c, fromHttpException(err), ctx);
    }
    const requestId = c.get("requestId" as never) ?? "unknown";
    console.error(`[${requestId}] ${c.req.method} ${c.req.path} failed:`, err);
    const fault = `Something went wrong on our side (request ${requestId}).`;
    return answer(c, new AppError("internal_error", fault, { retryAfter: 1 }), ctx);
  };
}

export function notFoundHandler(ctx: ErrorRendering): NotFoundHandler {
  return (c) =>
    answer(
      c,
      fixError(
        "not_found",
        `Nothing at ${c.req.path}.`,
        wantsPage(c)
          ? "Check the address; images' links are 10 letters and digits."
          : "See /openapi.json for the routes.",
      ),
      ctx,
    );
}
