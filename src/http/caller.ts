import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { sessionCookieName } from "../accounts/mod.ts";
import type { Config } from "../config.ts";
import { hmacHex } from "../crypto.ts";
import { maxUploadBytes } from "../images/mod.ts";
import { AppError } from "../../domain/errors.ts";
import { clientIp, clientSubject } from "./client_ip.ts";
import type { AppDeps } from "./types.ts";

const READS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Who is calling: every limit that depends on the caller reads this, never the headers.
 * `client` is the keyed hash of the IP on writes, and empty on GET/HEAD/OPTIONS.
 */
export type Caller =
  | { kind: "anonymous"; client: string }
  | { kind: "account"; accountId: string; client: string; via: "key" | "session" };

/** Whose share a request draws on: an account (all its keys and sessions), else the client. */
export const callerKey = (caller: Caller): string =>
  caller.kind === "account" ? `account:${caller.accountId}` : `client:${caller.client}`;

/** The largest upload or import this caller may send. */
export function maxBytesFor(caller: Caller, config: Config): number {
  return maxUploadBytes(config.limits, ownerOf(caller));
}

/** The owner an upload by this caller gets: its account, or null for an anonymous caller. */
export const ownerOf = (caller: Caller): string | null =>
  caller.kind === "account" ? caller.accountId : null;

/**
 * A browser session authenticates the JSON API only for our own pages: a cross-site request
 * carrying the cookie is treated as anonymous, so another site cannot act for a logged-in user.
 */
function sameOrigin(c: Context, publicUrl: string): boolean {
  const origin = c.req.header("origin");
  if (origin) return origin === new URL(publicUrl).origin;
  const site = c.req.header("sec-fetch-site");
  return site === undefined || site === "same-origin" || site === "none";
}

/**
 * Resolves the caller once per request: a bearer API key, else a session cookie, else an
 * anonymous client known only by a keyed hash of its IP. A key that is present but wrong is a
 * 401, never a silent fall back to anonymous.
 */
export function callerMiddleware(
  deps: AppDeps,
): MiddlewareHandler<{ Variables: { caller: Caller } }> {
  return async (c, next) => {
    // Only writes (uploads, imports, logins) are limited per client; a hot image link is read
    // thousands of times a second and need not pay for the hash.
    const client = READS.has(c.req.method)
      ? ""
      : await hmacHex(deps.secret, `ip:${clientSubject(clientIp(c, deps.config.trustProxy))}`);
    const auth = c.req.header("authorization");
    if (auth !== undefined) {
      const token = /^Bearer\s+(\S+)\s*$/i.exec(auth)?.[1];
      const accountId = token ? await deps.accounts.authenticateKey(token) : null;
      if (!accountId) {
        throw new AppError(
          "unauthorized",
          "This API key is not valid: it is malformed, unknown or revoked.",
          {
            field: "Authorization",
            hint:
              "Send `Authorization: Bearer img_live_…` with an active key; create one at /keys.",
          },
        );
      }
      c.set("caller", { kind: "account", accountId, client, via: "key" });
      return await next();
    }
    const session = getCookie(c, sessionCookieName(deps.config.publicUrl));
    const accountId =
      session && (!c.req.path.startsWith("/v1/") || sameOrigin(c, deps.config.publicUrl))
        ? await deps.sessions.accountOf(session)
        : null;
    c.set(
      "caller",
      accountId
        ? { kind: "account", accountId, client, via: "session" }
        : { kind: "anonymous", client },
    );
    await next();
  };
}

/** For routes that need an account: 401 with a way to get one. */
export function requireAccount(caller: Caller): string {
  if (caller.kind === "account") return caller.accountId;
  throw new AppError("unauthorized", "This needs an API key or a logged-in session.", {
    register: true,
  });
}
