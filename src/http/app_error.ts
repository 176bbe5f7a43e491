/**
 * The one error type the HTTP layer renders (SPEC §7). Anything that wants to answer a caller
 * with a 4xx/5xx throws an AppError; `onError` turns it into the JSON envelope.
 */
export type ErrorCode =
  | "validation_error"
  | "invalid_transform"
  | "invalid_signature"
  | "unsupported_format"
  | "invalid_image"
  | "image_too_large"
  | "image_too_complex"
  | "file_too_large"
  | "url_not_allowed"
  | "import_failed"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "gone"
  | "precondition_failed"
  | "idempotency_key_conflict"
  | "rate_limited"
  | "quota_exceeded"
  | "storage_exceeded"
  | "overloaded"
  | "request_timeout"
  | "store_unavailable"
  | "internal_error";

export type Action =
  | { type: "fix"; field?: string; hint: string }
  | { type: "register"; url: string; label: string }
  | { type: "upgrade"; url: string; label: string }
  | { type: "wait"; seconds: number }
  | { type: "retry"; seconds: number }
  | { type: "contact"; url: string };

export const ERROR_STATUS: Record<ErrorCode, number> = {
  validation_error: 422,
  invalid_transform: 400,
  invalid_signature: 403,
  unsupported_format: 415,
  invalid_image: 422,
  image_too_large: 422,
  image_too_complex: 422,
  file_too_large: 413,
  url_not_allowed: 422,
  import_failed: 422,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  gone: 410,
  precondition_failed: 412,
  idempotency_key_conflict: 409,
  rate_limited: 429,
  quota_exceeded: 403,
  storage_exceeded: 403,
  overloaded: 503,
  request_timeout: 408,
  store_unavailable: 503,
  internal_error: 500,
};

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly action: Action,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "AppError";
    this.status = ERROR_STATUS[code];
  }
}

/** Shorthand for the most common case: the request itself is wrong. */
export function fixError(code: ErrorCode, message: string, hint: string, field?: string) {
  return new AppError(code, message, { type: "fix", hint, ...(field ? { field } : {}) });
}
