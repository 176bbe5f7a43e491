import { UrlNotAllowed } from "./errors.ts";
import { readResponse, writeRequest } from "./http1.ts";
import {
  addressesOf,
  closeQuietly,
  type Connector,
  pinnedConnector,
  type Resolver,
  systemResolver,
} from "./network.ts";
import { checkResolved, checkUrl, refuse, type Target } from "./url_policy.ts";

export type SafePostOptions = {
  /** Normalised `host:port` entries: the only places plain http may go. */
  allowHosts: ReadonlySet<string>;
  timeoutMs: number;
  resolver?: Resolver;
  connector?: Connector;
};

/**
 * The URL rules of imports, plus one: plain http only to an allow-listed endpoint (a receiver
 * on loopback in tests, a private setup), since a webhook body and signature must not cross
 * the network in clear. Throws UrlNotAllowed or InvalidUrl; needs no network.
 */
export function checkPostUrl(raw: string, allowHosts: ReadonlySet<string>): Target {
  const target = checkUrl(raw, allowHosts);
  if (target.port === 0) {
    throw refuse("port", target.url.href.slice(0, 200), "port 0 is not a port");
  }
  if (target.url.protocol === "http:" && !target.allowListed) {
    throw refuse("scheme", target.url.href.slice(0, 200), "webhooks are delivered over https only");
  }
  return target;
}

/** How a POST ended: the status, or why there was none (timeout, refused, bad TLS …). */
export type PostOutcome = { status: number } | { error: string };

/**
 * POSTs a small body on behalf of an account, with the checks imports use: every address the
 * name resolves to is checked, and the connection goes to one of exactly those addresses. No
 * redirect is followed (a 3xx is an answer like any other). Never throws for the network: the
 * outcome says what happened, so a delivery can be retried.
 */
export async function safePost(
  raw: string,
  headers: ReadonlyArray<readonly [string, string]>,
  body: Uint8Array,
  opts: SafePostOptions,
): Promise<PostOutcome> {
  let target: Target;
  try {
    target = checkPostUrl(raw, opts.allowHosts);
  } catch (err) {
    return { error: err instanceof UrlNotAllowed ? err.message : "the URL is not valid" };
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), opts.timeoutMs);
  const deadline = controller.signal;
  let conn: Deno.Conn | undefined;
  const abort = () => conn && closeQuietly(conn);
  deadline.addEventListener("abort", abort, { once: true });
  try {
    const addresses = await addressesOf(target, opts.resolver ?? systemResolver, deadline);
    checkResolved(target, addresses);
    const connect = opts.connector ?? pinnedConnector();
    const tlsName = target.url.protocol === "https:" ? target.hostname : null;
    conn = await connect({ address: addresses[0], port: target.port, tlsName, signal: deadline });
    if (deadline.aborted) throw deadline.reason;
    await writeRequest(conn, "POST", target.url, headers, body);
    const res = await readResponse(conn);
    // The answer's body means nothing to a delivery; a little is read so the peer is not cut off.
    let read = 0;
    for await (const chunk of res.body) if ((read += chunk.length) > 64 * 1024) break;
    return { status: res.status };
  } catch (err) {
    if (deadline.aborted) return { error: `no answer within ${opts.timeoutMs / 1000} s` };
    if (err instanceof UrlNotAllowed) return { error: err.message };
    return { error: err instanceof Error ? err.message.slice(0, 200) : "the connection failed" };
  } finally {
    clearTimeout(timer);
    deadline.removeEventListener("abort", abort);
    if (conn) closeQuietly(conn);
  }
}
