/**
 * The fetcher's failures, free of HTTP: routes/import.ts maps them to the SPEC §7 envelope.
 * Each carries a message a user can act on, because it ends up in front of one.
 */

/** The URL breaks a rule (scheme, userinfo, address range, ...). Never retried. */
export class UrlNotAllowed extends Error {
  override name = "UrlNotAllowed";
  constructor(readonly rule: string, message: string, readonly hint: string) {
    super(message);
  }
}

/** The URL could not be parsed at all. */
export class InvalidUrl extends Error {
  override name = "InvalidUrl";
}

/** The body is (or announces itself) larger than the caller may import. */
export class TooLarge extends Error {
  override name = "TooLarge";
  constructor(readonly limit: number) {
    super(`The image is larger than the limit of ${limit} bytes.`);
  }
}

/**
 * The origin could not give us the image. `retryAfter` set means the fault is transient
 * (timeout, 5xx, connection refused); unset means the URL itself must change.
 */
export class ImportFailed extends Error {
  override name = "ImportFailed";
  constructor(message: string, readonly hint: string, readonly retryAfter?: number) {
    super(message);
  }
}
