import type { Context } from "hono";
import { getConnInfo } from "hono/deno";

/**
 * The peer address Deno.serve saw; on Deploy that is the real client. Behind a proxy we trust
 * (TRUST_PROXY=1), the first X-Forwarded-For hop instead: anyone can write that header, so it
 * only counts when a proxy we run overwrites it.
 */
export function clientIp(c: Context, trustProxy = false): string {
  if (trustProxy) {
    const first = c.req.header("x-forwarded-for")?.split(",")[0]?.trim();
    if (first) return first;
  }
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    // app.request() in tests has no connection.
    return "unknown";
  }
}
