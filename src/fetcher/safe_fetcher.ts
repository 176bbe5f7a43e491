import { ImportFailed, InvalidUrl, TooLarge, UrlNotAllowed } from "./errors.ts";
import { contentLength, type Http1Response, readResponse, writeGet } from "./http1.ts";
import {
  addressesOf,
  closeQuietly,
  type Connector,
  pinnedConnector,
  type Resolver,
  systemResolver,
} from "./network.ts";
import { describeStatus, describeTransportError } from "./outcomes.ts";
import { checkResolved, checkUrl, type Target } from "./url_policy.ts";

export type FetcherOptions = {
  /** Normalised `host:port` entries (see normaliseHostPort). */
  allowHosts: Iterable<string>;
  /** One deadline for the whole import: DNS, connects, TLS, every redirect and the body. */
  timeoutMs: number;
  userAgent: string;
  maxRedirects?: number;
  resolver?: Resolver;
  connector?: Connector;
};

export type Fetched = {
  bytes: Uint8Array;
  /** The requested URL, normalised and without its fragment: what the event records. */
  url: string;
  /** Where the bytes came from after redirects. */
  finalUrl: string;
  contentType: string | null;
};

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const shown = (url: URL) => (url.href.length > 200 ? `${url.href.slice(0, 200)}…` : url.href);
// A host with many addresses is tried a few times, not walked in full against the deadline.
const MAX_CONNECT_ATTEMPTS = 3;

type Hop = { kind: "redirect"; location: string } | {
  kind: "done";
  fetched: Omit<Fetched, "url">;
};

/**
 * Fetches a URL on behalf of a stranger. Every hop is checked before any packet leaves: the
 * URL rules, then every address the host resolves to, then a connection to one of exactly
 * those addresses. Redirects are followed by hand so each one goes through the same checks.
 */
export class SafeFetcher {
  readonly #allow: ReadonlySet<string>;
  readonly #resolver: Resolver;
  readonly #connect: Connector;
  readonly #headers: ReadonlyArray<readonly [string, string]>;

  constructor(private readonly opts: FetcherOptions) {
    this.#allow = new Set(opts.allowHosts);
    this.#resolver = opts.resolver ?? systemResolver;
    this.#connect = opts.connector ?? pinnedConnector();
    // No cookies, no Authorization: the request carries nothing of ours or the caller's.
    this.#headers = [
      ["User-Agent", opts.userAgent],
      ["Accept", "image/*,*/*;q=0.8"],
      ["Accept-Encoding", "identity"],
    ];
  }

  /** Throws UrlNotAllowed, InvalidUrl, TooLarge or ImportFailed; nothing else escapes. */
  async fetch(raw: string, opts: { maxBytes: number; signal?: AbortSignal }): Promise<Fetched> {
    // Checked before the deadline starts: a refused URL costs no timer and no socket.
    const first = checkUrl(raw, this.#allow);
    let target = first;
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), this.opts.timeoutMs);
    const signal = opts.signal ? AbortSignal.any([deadline.signal, opts.signal]) : deadline.signal;
    const maxRedirects = this.opts.maxRedirects ?? 5;
    try {
      for (let redirects = 0;; redirects++) {
        const hop = await this.#hop(target, signal, opts.maxBytes);
        if (hop.kind === "done") return { ...hop.fetched, url: first.url.href };
        if (redirects >= maxRedirects) {
          throw new ImportFailed(
            `${shown(first.url)} redirected more than ${maxRedirects} times.`,
            "Use the final address of the image, not a link that redirects.",
          );
        }
        target = this.#follow(hop.location, target);
      }
    } catch (err) {
      if (err instanceof UrlNotAllowed || err instanceof TooLarge) throw err;
      if (deadline.signal.aborted) {
        throw new ImportFailed(
          `Fetching ${shown(first.url)} took longer than ${this.opts.timeoutMs / 1000} s.`,
          "The server is too slow; try again later or use a faster host.",
          10,
        );
      }
      if (signal.aborted) {
        throw new ImportFailed("The import was cancelled.", "Send the request again.", 1);
      }
      if (err instanceof ImportFailed || err instanceof InvalidUrl) throw err;
      throw describeTransportError(err, target.url);
    } finally {
      clearTimeout(timer);
    }
  }

  #follow(location: string, from: Target): Target {
    let next: URL;
    try {
      next = new URL(location, from.url);
    } catch {
      throw new ImportFailed(
        `${shown(from.url)} redirected to an invalid address.`,
        "Use the final address of the image.",
      );
    }
    try {
      return checkUrl(next, this.#allow);
    } catch (err) {
      if (err instanceof UrlNotAllowed) {
        throw new UrlNotAllowed(
          err.rule,
          `${shown(from.url)} redirected to a URL that is not allowed. ${err.message}`,
          err.hint,
        );
      }
      throw new ImportFailed(
        `${shown(from.url)} redirected to an unusable address.`,
        "Use the final address of the image.",
      );
    }
  }

  async #open(target: Target, addresses: string[], signal: AbortSignal): Promise<Deno.Conn> {
    const tlsName = target.url.protocol === "https:" ? target.hostname : null;
    let last: unknown;
    for (const address of addresses.slice(0, MAX_CONNECT_ATTEMPTS)) {
      try {
        return await this.#connect({ address, port: target.port, tlsName, signal });
      } catch (err) {
        // A certificate problem is the same on every address; don't try the others.
        if (signal.aborted || err instanceof Deno.errors.InvalidData) throw err;
        last = err;
      }
    }
    throw last;
  }

  async #hop(target: Target, signal: AbortSignal, maxBytes: number): Promise<Hop> {
    const addresses = await addressesOf(target, this.#resolver, signal);
    checkResolved(target, addresses);
    const conn = await this.#open(target, addresses, signal);
    const abort = () => closeQuietly(conn);
    signal.addEventListener("abort", abort, { once: true });
    try {
      if (signal.aborted) throw signal.reason;
      await writeGet(conn, target.url, this.#headers);
      const res = await readResponse(conn);
      if (REDIRECTS.has(res.status)) {
        const location = res.headers.get("location");
        if (location) return { kind: "redirect", location };
      }
      const refusal = describeStatus(res, target.url);
      if (refusal) throw refusal;
      return { kind: "done", fetched: await this.#body(res, target, maxBytes) };
    } finally {
      signal.removeEventListener("abort", abort);
      closeQuietly(conn);
    }
  }

  async #body(
    res: Http1Response,
    target: Target,
    maxBytes: number,
  ): Promise<Omit<Fetched, "url">> {
    const encoding = res.headers.get("content-encoding");
    if (encoding && encoding.trim().toLowerCase() !== "identity") {
      throw new ImportFailed(
        `The server sent the image compressed (${encoding}) although we asked for plain bytes.`,
        "Use a URL that serves the image file itself.",
      );
    }
    // A length over the limit is refused before a byte of body is read.
    const declared = res.headers.has("transfer-encoding") ? null : contentLength(res.headers);
    if (declared !== null && declared > maxBytes) throw new TooLarge(maxBytes);
    const parts: Uint8Array[] = [];
    let total = 0;
    // Counted as it arrives: the announced length is a claim, the bytes are the fact.
    for await (const chunk of res.body) {
      total += chunk.length;
      if (total > maxBytes) throw new TooLarge(maxBytes);
      parts.push(chunk);
    }
    const bytes = new Uint8Array(total);
    let off = 0;
    for (const p of parts) {
      bytes.set(p, off);
      off += p.length;
    }
    return { bytes, finalUrl: target.url.href, contentType: res.headers.get("content-type") };
  }
}
