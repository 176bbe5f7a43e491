/**
 * A business rule said no. `code` is stable and the HTTP layer maps it to the error envelope;
 * the domain never knows about status codes.
 */
export type DomainErrorCode =
  | "validation_error"
  | "not_found"
  | "gone"
  | "not_due"
  | "already_exists"
  | "quota_exceeded"
  | "storage_exceeded"
  | "forbidden"
  | "precondition_failed";

export class DomainError extends Error {
  override name = "DomainError";
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly field?: string,
    readonly hint?: string,
    /** Facts the caller may show, e.g. the usage behind a quota refusal. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}
