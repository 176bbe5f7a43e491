import type { Context } from "hono";

/** Calls one of the app's own routes, as the caller of the MCP request. */
export type CallApi = (path: string, init?: RequestInit) => Promise<Response>;

type FetchApp = { fetch: (req: Request, env?: never) => Response | Promise<Response> };

// The inner request must be the same caller: the key decides the account, and the address (or
// the proxy's X-Forwarded-For) decides the anonymous rate limits. Cookies are not forwarded: MCP
// clients authenticate with a key, and a browser session must not act through /mcp.
const FORWARDED = ["authorization", "x-forwarded-for"];

/**
 * Tools go through the HTTP routes rather than the services, so a tool answers exactly what the
 * API answers (validation, limits, quotas, idempotency, error envelopes) and cannot drift from it.
 * `c.env` carries Deno.serve's connection info, which is where the client address comes from.
 */
export function inProcessApi(app: FetchApp, c: Context, publicUrl: string): CallApi {
  return async (path, init = {}) => {
    const headers = new Headers(init.headers);
    for (const name of FORWARDED) {
      const value = c.req.header(name);
      if (value !== undefined) headers.set(name, value);
    }
    const url = new URL(path, `${publicUrl}/`);
    return await app.fetch(new Request(url, { ...init, headers }), c.env as never);
  };
}
