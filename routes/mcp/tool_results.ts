import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { AppError } from "../../domain/errors.ts";
import { type ErrorContext, problemOf } from "../../src/http/mod.ts";

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
export async function fromAppError(err: AppError, ctx: ErrorContext): Promise<CallToolResult> {
  const problem = await problemOf(err, ctx);
  return jsonResult(problem.body, problem.status, problem.headers["Retry-After"]);
}
