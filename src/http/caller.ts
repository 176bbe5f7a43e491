import type { MiddlewareHandler } from "hono";
import type { Config } from "../config.ts";
import { hmacHex } from "../secret.ts";
import { clientIp } from "./client_ip.ts";

/** Who is calling: every limit that depends on the caller reads this, never the headers. */
export type Caller =
  | { kind: "anonymous"; client: string }
  | { kind: "account"; accountId: string; client: string };

/** The largest upload or import this caller may send. */
export function maxBytesFor(caller: Caller, config: Config): number {
  return caller.kind === "anonymous" ? config.limits.anonMaxBytes : config.limits.accountMaxBytes;
}

/**
 * Resolves the caller once per request. Accounts and API keys arrive with their issue; until
 * then everyone is anonymous, identified by a keyed hash of the IP (never the IP itself).
 */
export function callerMiddleware(
  secret: string,
): MiddlewareHandler<{ Variables: { caller: Caller } }> {
  return async (c, next) => {
    c.set("caller", { kind: "anonymous", client: await hmacHex(secret, `ip:${clientIp(c)}`) });
    await next();
  };
}
