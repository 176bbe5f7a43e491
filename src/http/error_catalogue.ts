import type { ErrorCode } from "../../domain/errors.ts";

/** What the caller should do next; every error envelope carries one (SPEC §7). */
export type Action =
  | { type: "fix"; field?: string; hint: string }
  | { type: "register"; url: string; label: string }
  | { type: "upgrade"; url: string; label: string }
  | { type: "wait"; seconds: number }
  | { type: "retry"; seconds: number }
  | { type: "contact"; url: string };

/** The HTTP status of each catalogue code. */
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

export type ActionType = Action["type"];

/** What a client should know about one error code: when it happens and which actions follow. */
export type ErrorEntry = { code: ErrorCode; status: number; actions: ActionType[]; when: string };

// A Record over ErrorCode, so that a new code cannot ship without its documentation: the
// OpenAPI descriptions, llms-full.txt and the agents' guide all read this table.
const GUIDE: Record<ErrorCode, { actions: ActionType[]; when: string }> = {
  validation_error: {
    actions: ["fix"],
    when: "a field, header or body does not match the schema; `action.field` names it",
  },
  invalid_transform: {
    actions: ["fix"],
    when: "an unknown transform parameter or a value out of range; the hint lists what it takes",
  },
  invalid_signature: {
    actions: ["fix"],
    when: "w, h, fit, gravity or dpr without a valid `sig`; use the signed link unchanged",
  },
  unsupported_format: {
    actions: ["fix"],
    when: "the bytes are not an accepted image format (they are sniffed, never trusted by name)",
  },
  invalid_image: {
    actions: ["fix"],
    when: "the file is empty, corrupt, truncated or cannot be decoded",
  },
  image_too_large: {
    actions: ["fix"],
    when: "too many pixels or frames; the message gives the limit",
  },
  image_too_complex: {
    actions: ["fix"],
    when: "an SVG whose render would exceed the time or memory budget; the hint names what to " +
      "simplify (filters, path points, elements, layers), or asks for a smaller rendition",
  },
  file_too_large: {
    actions: ["register", "fix"],
    when: "the body is over the caller's byte limit; anonymous callers get `register`",
  },
  url_not_allowed: {
    actions: ["fix"],
    when: "an import URL with a refused scheme, port or a private/loopback address; see `rule`",
  },
  import_failed: {
    actions: ["fix", "retry"],
    when: "the import origin failed: not found, not an image, too slow (`retry`) or a 5xx",
  },
  unauthorized: {
    actions: ["register", "fix"],
    when: "an API key is needed (`register`) or the one sent is malformed or revoked (`fix`)",
  },
  forbidden: {
    actions: ["fix"],
    when: "an upgrade link that is not valid or has expired, or a form posted from another site",
  },
  not_found: {
    actions: ["fix"],
    when: "no image or key with that id, or one that belongs to another account",
  },
  gone: { actions: ["fix"], when: "the image expired or was deleted; upload it again" },
  precondition_failed: {
    actions: ["fix"],
    when: "If-Match does not name the current version; fetch the image and retry",
  },
  idempotency_key_conflict: {
    actions: ["fix"],
    when: "the Idempotency-Key was already used for a different request; use a new key",
  },
  rate_limited: {
    actions: ["wait"],
    when: "the anonymous hourly or daily limit for this client; wait `seconds` (Retry-After)",
  },
  quota_exceeded: {
    actions: ["upgrade", "contact"],
    when: "the plan's monthly uploads are used up; `usage` shows the numbers",
  },
  storage_exceeded: {
    actions: ["upgrade", "contact"],
    when: "the plan's storage is full; deleting images frees it, or upgrade",
  },
  overloaded: {
    actions: ["retry"],
    when: "too many transforms or uploads at once, or an image job stopped (its worker crashed " +
      "or ran past the time limit, or the server is restarting); retry after `seconds` " +
      "(Retry-After)",
  },
  request_timeout: {
    actions: ["retry"],
    when: "the request body arrived slower than the minimum rate and was cut; resend it over a " +
      "faster connection (it counts against the anonymous upload limit)",
  },
  store_unavailable: {
    actions: ["retry"],
    when: "the image storage did not answer; nothing was saved, retry after `seconds`",
  },
  internal_error: {
    actions: ["retry"],
    when: "a fault on our side; retry after `seconds`, and report the request id if it persists",
  },
};

/** Every code of SPEC §7, in the table's order, with its HTTP status. */
export const ERROR_CATALOGUE: readonly ErrorEntry[] = (Object.keys(GUIDE) as ErrorCode[]).map((
  code,
) => ({ code, status: ERROR_STATUS[code], ...GUIDE[code] }));

export const errorEntry = (code: ErrorCode): ErrorEntry =>
  ERROR_CATALOGUE.find((e) => e.code === code)!;

/** What each action type asks of a client (the contract the agents' guide explains). */
export const ACTION_MEANING: Record<ActionType, string> = {
  fix: "the request is wrong: change `field` as `hint` says, then send it again",
  register: "an account solves it: show `url` and `label` to a human, who signs up",
  upgrade: "a higher plan solves it: show the signed, one-click `url` and `label` to a human",
  wait: "rate limited: wait `seconds` (also in Retry-After), then retry the same request",
  retry: "transient: retry the same request after `seconds`, with the same Idempotency-Key",
  contact: "the top plan is exhausted: show `url` to a human",
};
