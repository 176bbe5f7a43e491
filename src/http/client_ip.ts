import type { Context } from "hono";
import { getConnInfo } from "hono/deno";

/** The peer address Deno.serve saw; on Deploy that is the real client. */
export function clientIp(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    // app.request() in tests has no connection.
    return "unknown";
  }
}
