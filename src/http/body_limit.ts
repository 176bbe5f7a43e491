import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { fixError } from "../../domain/errors.ts";

/**
 * The most any request body may hold where the route sets no limit of its own: the pages' forms
 * and the JSON API. The largest legitimate one (a PATCH with full metadata) is under 100 KiB.
 */
export const DEFAULT_BODY_MAX_BYTES = 256 * 1024;

/** Routes that cap their bodies themselves (their callers' file limits). */
const OWN_LIMIT = /^\/(v1\/upload|v1\/import|mcp)$/;

/**
 * Caps every other body while it streams in. Without it a form post is buffered whole: one
 * anonymous 400 MB POST to /auth/login took the process past 3 GB, and it kept 2.6 GB.
 */
export function defaultBodyLimit(): MiddlewareHandler {
  const limit = bodyLimit({
    maxSize: DEFAULT_BODY_MAX_BYTES,
    onError: () => {
      throw fixError(
        "validation_error",
        `The request body is larger than ${DEFAULT_BODY_MAX_BYTES / 1024} KiB.`,
        "Send only the fields this endpoint takes; images go to POST /v1/upload.",
        "body",
      );
    },
  });
  return (c, next) => (!c.req.raw.body || OWN_LIMIT.test(c.req.path) ? next() : limit(c, next));
}
