/**
 * The one error family of the service. Every layer that refuses something throws an AppError with
 * a stable code from the error catalogue, a message for people, and structured details; the HTTP
 * layer (src/http/error_mapping.ts) alone turns a code into a status, an `action` and its links.
 *
 * An AppError is plain data at heart (`toData()` / `AppError.fromData()`): it crosses the Worker
 * boundary through structuredClone, which would strip a class instance to a bare object.
 */
export const ERROR_CODES = [
  "validation_error",
  "invalid_transform",
  "invalid_signature",
  "unsupported_format",
  "invalid_image",
  "image_too_large",
  "image_too_complex",
  "file_too_large",
  "url_not_allowed",
  "import_failed",
  "unauthorized",
  "forbidden",
  "not_found",
  "gone",
  "precondition_failed",
  "idempotency_key_conflict",
  "rate_limited",
  "quota_exceeded",
  "storage_exceeded",
  "overloaded",
  "request_timeout",
  "store_unavailable",
  "internal_error",
] as const;

/** A code of the public catalogue: what callers see in the envelope's `error`. */
export type ErrorCode = typeof ERROR_CODES[number];

/**
 * Refusals that only the service's own code acts on: a command on a stream that already exists
 * (a caller sees validation_error), an expiry that is not due yet (never reaches a caller).
 */
export type InternalCode = "already_exists" | "not_due";

export type AppErrorCode = ErrorCode | InternalCode;

/** The facts behind a refusal; the HTTP mapping reads them to build the `action`. */
export type ErrorDetails = {
  /** The input at fault: a form field, query parameter or header. */
  field?: string;
  /** What to change, when the refusal knows more than the catalogue's default advice. */
  hint?: string;
  /** Seconds until a retry can succeed (rate limits, busy queues, transient faults). */
  retryAfter?: number;
  /** An account would lift this refusal (anonymous limits, a missing API key). */
  register?: boolean;
  /** Facts shown beside the envelope: the limit, the usage, the refused rule. */
  extra?: Record<string, unknown>;
};

export type ErrorData = { code: AppErrorCode; message: string; details: ErrorDetails };

export class AppError extends Error {
  override name = "AppError";
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
  }

  toData(): ErrorData {
    return { code: this.code, message: this.message, details: this.details };
  }

  static fromData(data: ErrorData): AppError {
    return new AppError(data.code, data.message, data.details);
  }
}

/** Shorthand for the most common case: the request itself is wrong. */
export function fixError(
  code: AppErrorCode,
  message: string,
  hint: string,
  field?: string,
): AppError {
  return new AppError(code, message, { hint, ...(field ? { field } : {}) });
}

/** A busy or transient refusal the caller should retry after `seconds`. */
export function retryError(code: AppErrorCode, message: string, seconds: number): AppError {
  return new AppError(code, message, { retryAfter: seconds });
}

/** Whether a value received from a Worker is an AppError's data. */
export function isErrorData(value: unknown): value is ErrorData {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Partial<ErrorData>;
  return typeof v.code === "string" && typeof v.message === "string" &&
    typeof v.details === "object" && v.details !== null;
}
