import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { DomainError } from "../../domain/errors.ts";
import { errorPage } from "../../routes/pages/error_page.tsx";
import { EngineError } from "../engine/mod.ts";
import { AppError, type ErrorCode } from "./app_error.ts";
import { fromEngineError } from "./engine_errors.ts";

/** Maps a business refusal to the envelope; domain code stays free of HTTP. */
export function fromDomainError(err: DomainError): AppError {
  const hint = err.hint ?? err.message;
  switch (err.code) {
    // Something that already exists is a value for the caller to change, like an invalid one.
    case "validation_error":
    case "already_exists":
      return new AppError("validation_error", err.message, {
        type: "fix",
        hint,
        ...(err.field ? { field: err.field } : {}),
      });
    case "not_found":
      return new AppError("not_found", err.message, {
        type: "fix",
        hint: err.hint ?? "Check the id.",
      });
    case "gone":
      return new AppError("gone", err.message, { type: "fix", hint: "Upload the image again." });
    case "forbidden":
      return new AppError("forbidden", err.message, { type: "fix", hint });
    case "precondition_failed":
      return new AppError("precondition_failed", err.message, {
        type: "fix",
        field: "If-Match",
        hint: "Fetch the image again and retry with its current ETag.",
      });
    default:
      return new AppError("internal_error", "Something went wrong on our side.", {
        type: "retry",
        seconds: 1,
      });
  }
}

const HTTP_CODES: Partial<Record<number, ErrorCode>> = {
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  413: "file_too_large",
};

export function envelope(err: AppError) {
  return { error: err.code, message: err.message, action: err.action, ...err.extra };
}

export function renderError(c: Context, err: AppError): Response {
  const headers: Record<string, string> = { "Cache-Control": "no-store" };
  if (err.action.type === "wait" || err.action.type === "retry") {
    headers["Retry-After"] = String(err.action.seconds);
  }
  return c.json(envelope(err), err.status as 400, headers);
}

/** Machine-facing paths keep the envelope whatever the client accepts. */
const API_PATH = /^\/(v1\/|mcp$|openapi\.|llms|healthz$|assets\/)/;

/**
 * A person's browser asking for a page (Accept: text/html, not the API) gets the error as a
 * page with the same status, message and next step; everything else gets the JSON envelope.
 */
function wantsPage(c: Context): boolean {
  return (c.req.header("accept") ?? "").includes("text/html") && !API_PATH.test(c.req.path);
}

/** renderError, or its HTML page for a browser. */
function answer(c: Context, err: AppError): Response {
  if (!wantsPage(c)) return renderError(c, err);
  const headers: Record<string, string> = { "Cache-Control": "no-store" };
  if (err.action.type === "wait" || err.action.type === "retry") {
    headers["Retry-After"] = String(err.action.seconds);
  }
  const loggedIn = (c.get("caller" as never) as { kind?: string } | undefined)?.kind === "account";
  const html = errorPage({
    status: err.status,
    message: err.message,
    action: err.action,
    loggedIn,
  });
  return c.html(html, err.status as 400, headers);
}

/** The one place every error becomes the SPEC §7 envelope; stack traces only reach the log. */
export function onError(err: Error, c: Context): Response {
  if (err instanceof AppError) return answer(c, err);
  if (err instanceof DomainError) return answer(c, fromDomainError(err));
  if (err instanceof EngineError) return answer(c, fromEngineError(err));
  if (err instanceof HTTPException && err.status < 500) {
    return answer(
      c,
      new AppError(
        HTTP_CODES[err.status] ?? "validation_error",
        err.status === 403 && !err.message
          ? "This form was posted from another site, so it was refused."
          : err.message || "Bad request.",
        {
          type: "fix",
          hint: err.status === 403
            ? "Submit the form from this site's own page."
            : "Check the request against /openapi.json.",
        },
      ),
    );
  }
  const requestId = c.get("requestId" as never) ?? "unknown";
  console.error(`[${requestId}] ${c.req.method} ${c.req.path} failed:`, err);
  return answer(
    c,
    new AppError("internal_error", `Something went wrong on our side (request ${requestId}).`, {
      type: "retry",
      seconds: 1,
    }),
  );
}

export function notFound(c: Context): Response {
  return answer(
    c,
    new AppError("not_found", `Nothing at ${c.req.path}.`, {
      type: "fix",
      hint: wantsPage(c)
        ? "Check the address; images' links are 10 letters and digits."
        : "See /openapi.json for the routes.",
    }),
  );
}
