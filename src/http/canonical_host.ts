import type { MiddlewareHandler } from "hono";
import type { Config } from "../config.ts";

/** Paths that answer the same at any address: the API, image links, health, agents' files. */
const NEVER = /^\/(v1\/|mcp$|healthz$|openapi\.|llms|assets\/|favicon\.ico$|[0-9A-Za-z]{10}\.)/;

/**
 * A person who opens a page at another address than PUBLIC_URL (127.0.0.1 when it says
 * localhost, the platform's own domain beside a custom one) is sent to PUBLIC_URL. There the
 * session cookie, the Origin checks and the links all agree; elsewhere a logged-in upload would
 * silently become an anonymous one. Only browser navigations (`Sec-Fetch-Mode: navigate`) to
 * pages are redirected; behind a proxy that rewrites Host, TRUST_PROXY=1 reads
 * X-Forwarded-Host, or PUBLIC_URL_REDIRECT=0 turns this off.
 */
export function canonicalHost(config: Config): MiddlewareHandler {
  const target = new URL(config.publicUrl);
  return async (c, next) => {
    if (
      !config.publicUrlRedirect || (c.req.method !== "GET" && c.req.method !== "HEAD") ||
      c.req.header("sec-fetch-mode") !== "navigate" || NEVER.test(c.req.path)
    ) {
      return await next();
    }
    // The first proxy's value is the one the browser sent.
    const forwarded = hostOf(target.protocol, c.req.header("x-forwarded-host")?.split(",")[0]);
    const host = hostOf(target.protocol, c.req.header("host"));
    const seen = config.trustProxy && forwarded ? forwarded : host;
    // Untrusted, X-Forwarded-Host can still only stop a redirect, never cause one: a proxy that
    // rewrites Host (TRUST_PROXY unset) would otherwise send every page back to itself, forever.
    const atTarget = seen === target.host || (!config.trustProxy && forwarded === target.host);
    if (!seen || atTarget) return await next();
    const url = new URL(c.req.url);
    return c.redirect(`${target.origin}${url.pathname}${url.search}`, 302);
  };
}

/**
 * A Host header as URL writes it: lower case, without the scheme's default port, so that
 * `img.example.com:443` (as some proxies send it) is PUBLIC_URL's own host, not a redirect to
 * itself. A trailing dot stays a different host: browsers keep its cookies apart.
 */
function hostOf(protocol: string, header: string | undefined): string | null {
  if (!header?.trim()) return null;
  try {
    return new URL(`${protocol}//${header.trim()}`).host;
  } catch {
    return null;
  }
}
