import type { Context } from "hono";
import { getConnInfo } from "hono/deno";
import { formatIp, parseIp } from "../fetcher/mod.ts";

/**
 * The peer address Deno.serve saw; on Deploy that is the real client. Behind a proxy we trust
 * (TRUST_PROXY=1), the last X-Forwarded-For hop instead: that is the one our proxy appended;
 * earlier hops are whatever the client chose to send.
 */
export function clientIp(c: Context, trustProxy = false): string {
  if (trustProxy) {
    const last = c.req.header("x-forwarded-for")?.split(",").at(-1)?.trim();
    if (last) return last;
  }
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    // app.request() in tests has no connection.
    return "unknown";
  }
}

/**
 * Who a per-client limit counts: an IPv4 address, or the /64 of an IPv6 one. A single host is
 * usually given a whole /64, so counting full IPv6 addresses would give it endless budgets.
 */
export function clientSubject(ip: string): string {
  const bytes = parseIp(ip);
  if (!bytes || bytes.length === 4) return ip;
  const mapped = bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff &&
    bytes[11] === 0xff;
  if (mapped) return formatIp(bytes.subarray(12));
  const prefix = new Uint8Array(16);
  prefix.set(bytes.subarray(0, 8));
  return `${formatIp(prefix)}/64`;
}
