import { ImportFailed } from "./errors.ts";
import { type Http1Response, ProtocolError, TruncatedBody } from "./http1.ts";

const TRANSIENT = new Set([408, 425, 429, 500, 502, 503, 504]);
const MAX_RETRY_AFTER = 3600;

/** Seconds from a Retry-After header (delta or HTTP date), clamped to something a user waits. */
export function retryAfterSeconds(value: string | null, fallback: number, nowMs = Date.now()) {
  if (!value) return fallback;
  const secs = /^\d+$/.test(value.trim())
    ? Number(value.trim())
    : Math.ceil((Date.parse(value) - nowMs) / 1000);
  if (!Number.isFinite(secs)) return fallback;
  return Math.min(MAX_RETRY_AFTER, Math.max(1, secs));
}

/** Null for an answer that carries the image; otherwise why it does not, worded for a user. */
export function describeStatus(res: Http1Response, url: URL): ImportFailed | null {
  const { status } = res;
  if (status === 200 || status === 203) return null;
  const said = `${url.host} answered ${status}${res.statusText ? ` ${res.statusText}` : ""}`;
  if (status >= 300 && status < 400) {
    return new ImportFailed(
      `${said} without a usable redirect.`,
      "Use the final address of the image.",
    );
  }
  if (status === 401 || status === 403 || status === 407) {
    return new ImportFailed(
      `${said}: the image is not public.`,
      "Only images that open without logging in can be imported; upload the file instead.",
    );
  }
  if (status === 404 || status === 410) {
    return new ImportFailed(`${said}: there is no image at this URL.`, "Check the URL.");
  }
  if (TRANSIENT.has(status) || status >= 500) {
    const fallback = status === 429 ? 60 : 30;
    return new ImportFailed(
      `${said}; the server may be busy or down.`,
      "Try again later.",
      retryAfterSeconds(res.headers.get("retry-after"), fallback),
    );
  }
  return new ImportFailed(
    `${said} instead of the image.`,
    "Use a direct link to the image file, not to a web page.",
  );
}

/** Maps what sockets, TLS and the HTTP parser throw to a message a user can act on. */
export function describeTransportError(err: unknown, url: URL): ImportFailed {
  const where = url.host;
  if (err instanceof TruncatedBody) {
    return new ImportFailed(
      `${where} closed the connection early (${err.message}).`,
      "Try again later.",
      30,
    );
  }
  if (err instanceof ProtocolError) {
    return new ImportFailed(
      `${where} sent an answer that is not valid HTTP/1.1 (${err.message}).`,
      "Use a URL served by a standard web server.",
    );
  }
  if (err instanceof Deno.errors.InvalidData) {
    return new ImportFailed(
      `The secure connection to ${where} failed: its certificate is not valid for this name.`,
      "Use a URL whose server has a valid HTTPS certificate.",
    );
  }
  if (err instanceof Deno.errors.ConnectionRefused) {
    return new ImportFailed(
      `Could not connect to ${where} (connection refused).`,
      "Try again later.",
      30,
    );
  }
  const kind = err instanceof Error ? err.name : "error";
  return new ImportFailed(
    `Could not fetch the image from ${where} (${kind}).`,
    "Try again later.",
    30,
  );
}
