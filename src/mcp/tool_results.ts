import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { AppError } from "../http/app_error.ts";
import { envelope } from "../http/error_handler.ts";

/**
 * A tool's answer: the API's JSON body both as text (what most agents read) and as structured
 * content, `isError` for an error envelope, and the HTTP status and Retry-After in `_meta`, so
 * an agent can honour `wait` and `retry` exactly as an HTTP client would.
 */
export function jsonResult(
  body: Record<string, unknown>,
  status: number,
  retryAfter?: string | null,
): CallToolResult {
  return {
    content: [{ type: "text", text: JSON.stringify(body) }],
    structuredContent: body,
    isError: status >= 400,
    _meta: { http_status: status, ...(retryAfter ? { retry_after: Number(retryAfter) } : {}) },
  };
}

/** The route's response, unchanged; 204 (a delete) has no body, so it says what happened. */
export async function fromResponse(res: Response, onEmpty: Record<string, unknown> = {}) {
  const text = await res.text();
  const body = text ? JSON.parse(text) as Record<string, unknown> : onEmpty;
  return jsonResult(body, res.status, res.headers.get("retry-after"));
}

/** An error raised in the tool itself, rendered as the same envelope the HTTP layer renders. */
export function fromAppError(err: AppError): CallToolResult {
  const retry = err.action.type === "wait" || err.action.type === "retry"
    ? String(err.action.seconds)
    : null;
  return jsonResult(envelope(err), err.status, retry);
}
