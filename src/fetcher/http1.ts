/**
 * A deliberately small HTTP/1.1 client: one GET per connection, `Connection: close`, no
 * compression, no pooling. It exists because fetch() cannot be pointed at an address we have
 * checked while keeping the host name for TLS (see README, "Known limits"); speaking HTTP over a
 * socket we opened ourselves is what lets the connection go exactly where the check looked.
 */

/** What the client needs of a connection (a TCP or TLS `Deno.Conn`; a fake one in tests). */
export type Http1Conn = Pick<Deno.Conn, "read" | "write">;

export class ProtocolError extends Error {
  override name = "ProtocolError";
}

/** The peer closed before sending what it announced: a lying Content-Length, a cut chunk. */
export class TruncatedBody extends ProtocolError {
  override name = "TruncatedBody";
}

export type Http1Response = {
  status: number;
  statusText: string;
  headers: Headers;
  /** The body with the transfer framing removed; ends where the framing says it ends. */
  body: AsyncGenerator<Uint8Array, void, undefined>;
};

const MAX_HEAD = 64 * 1024;
const MAX_TRAILERS = 100;
const READ_SIZE = 64 * 1024;
const CRLF = new Uint8Array([13, 10]);
const CRLFCRLF = new Uint8Array([13, 10, 13, 10]);
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const latin1 = new TextDecoder("latin1");

function indexOf(hay: Uint8Array, needle: Uint8Array, from: number): number {
  outer: for (let i = from; i <= hay.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

class Reader {
  #buf = new Uint8Array(0);
  #eof = false;
  constructor(private readonly conn: Http1Conn) {}

  async #fill(): Promise<boolean> {
    if (this.#eof) return false;
    const chunk = new Uint8Array(READ_SIZE);
    const n = await this.conn.read(chunk);
    if (n === null) {
      this.#eof = true;
      return false;
    }
    const got = chunk.subarray(0, n);
    if (this.#buf.length === 0) {
      this.#buf = got;
    } else {
      const joined = new Uint8Array(this.#buf.length + n);
      joined.set(this.#buf);
      joined.set(got, this.#buf.length);
      this.#buf = joined;
    }
    return true;
  }

  /** The bytes before `delim`, which is consumed; bounded so a peer cannot make us buffer. */
  async until(delim: Uint8Array, max: number, what: string): Promise<Uint8Array> {
    let from = 0;
    for (;;) {
      const at = indexOf(this.#buf, delim, from);
      if (at >= 0) {
        const out = this.#buf.subarray(0, at);
        this.#buf = this.#buf.subarray(at + delim.length);
        return out;
      }
      if (this.#buf.length > max + delim.length) {
        throw new ProtocolError(`the ${what} is longer than ${max} bytes`);
      }
      from = Math.max(0, this.#buf.length - delim.length + 1);
      if (!await this.#fill()) throw new TruncatedBody(`the connection closed inside the ${what}`);
    }
  }

  /** Between 1 and `max` bytes, or null once the peer has closed. */
  async some(max: number): Promise<Uint8Array | null> {
    if (this.#buf.length === 0 && !await this.#fill()) return null;
    const out = this.#buf.subarray(0, Math.min(max, this.#buf.length));
    this.#buf = this.#buf.subarray(out.length);
    return out;
  }
}

async function writeAll(conn: Http1Conn, bytes: Uint8Array): Promise<void> {
  for (let off = 0; off < bytes.length;) off += await conn.write(bytes.subarray(off));
}

/** Sends the request head. `url` comes from `new URL()`, so path and host carry no CR/LF. */
export function writeGet(
  conn: Http1Conn,
  url: URL,
  headers: ReadonlyArray<readonly [string, string]>,
): Promise<void> {
  return writeRequest(conn, "GET", url, headers);
}

/** Sends a request head and, for a POST (webhook deliveries), its body with its length. */
export async function writeRequest(
  conn: Http1Conn,
  method: "GET" | "POST",
  url: URL,
  headers: ReadonlyArray<readonly [string, string]>,
  body?: Uint8Array,
): Promise<void> {
  const target = `${url.pathname}${url.search}` || "/";
  const unsafe = [...target, ...url.host].some((ch) => ch <= " " || ch === "\x7f");
  if (unsafe) throw new ProtocolError("unsafe request line");
  const lines = [`${method} ${target} HTTP/1.1`, `Host: ${url.host}`];
  for (const [name, value] of headers) lines.push(`${name}: ${value}`);
  if (body) lines.push(`Content-Length: ${body.length}`);
  lines.push("Connection: close", "", "");
  await writeAll(conn, new TextEncoder().encode(lines.join("\r\n")));
  if (body) await writeAll(conn, body);
}

function parseHead(raw: Uint8Array): Omit<Http1Response, "body"> {
  const lines = latin1.decode(raw).split("\r\n");
  const status = /^HTTP\/1\.[01] ([1-5][0-9]{2})(?: (.*))?$/.exec(lines[0]);
  if (!status) throw new ProtocolError(`not an HTTP/1.x status line: ${lines[0].slice(0, 80)}`);
  const headers = new Headers();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon);
    // Folded or nameless lines are how response-splitting tricks start; refuse them.
    if (colon <= 0 || !TOKEN.test(name)) throw new ProtocolError("malformed header line");
    try {
      headers.append(name, line.slice(colon + 1).trim());
    } catch {
      throw new ProtocolError(`malformed value in header ${name}`);
    }
  }
  return { status: Number(status[1]), statusText: status[2] ?? "", headers };
}

async function* fixedLength(r: Reader, length: number, what: string) {
  let left = length;
  while (left > 0) {
    const chunk = await r.some(Math.min(left, READ_SIZE));
    if (!chunk) {
      throw new TruncatedBody(`${what}: got ${length - left} of ${length} announced bytes`);
    }
    left -= chunk.length;
    yield chunk;
  }
}

async function* untilClose(r: Reader) {
  for (let chunk = await r.some(READ_SIZE); chunk; chunk = await r.some(READ_SIZE)) yield chunk;
}

async function* chunked(r: Reader) {
  for (;;) {
    const line = latin1.decode(await r.until(CRLF, 1024, "chunk size line"));
    const size = /^([0-9a-fA-F]{1,12})[ \t]*(;.*)?$/.exec(line);
    if (!size) throw new ProtocolError("malformed chunk size");
    const length = parseInt(size[1], 16);
    if (length === 0) break;
    yield* fixedLength(r, length, "the connection closed inside a chunk");
    if ((await r.until(CRLF, 0, "chunk terminator")).length) {
      throw new ProtocolError("chunk longer than its announced size");
    }
  }
  for (let i = 0; (await r.until(CRLF, MAX_HEAD, "trailer")).length > 0; i++) {
    if (i >= MAX_TRAILERS) throw new ProtocolError("too many trailer fields");
  }
}

async function* empty() {}

/** One `Content-Length`, or several that agree (RFC 9112 §6.3); anything else is refused. */
export function contentLength(headers: Headers): number | null {
  const raw = headers.get("content-length");
  if (raw === null) return null;
  const values = new Set(raw.split(",").map((v) => v.trim()));
  const [value] = values;
  if (values.size !== 1 || !/^[0-9]{1,15}$/.test(value)) {
    throw new ProtocolError("invalid Content-Length");
  }
  return Number(value);
}

/** Reads the head (skipping 1xx interim answers) and frames the body per RFC 9112 §6.3. */
export async function readResponse(conn: Http1Conn): Promise<Http1Response> {
  const r = new Reader(conn);
  for (let interim = 0;; interim++) {
    const head = parseHead(await r.until(CRLFCRLF, MAX_HEAD, "response head"));
    if (head.status >= 100 && head.status < 200) {
      if (head.status === 101 || interim >= 5) throw new ProtocolError("unexpected 1xx answer");
      continue;
    }
    if (head.status === 204 || head.status === 304) return { ...head, body: empty() };
    const te = head.headers.get("transfer-encoding");
    if (te !== null) {
      // Any other coding would be compression applied on the wire; we asked for none.
      if (te.trim().toLowerCase() !== "chunked") {
        throw new ProtocolError(`unsupported Transfer-Encoding: ${te}`);
      }
      return { ...head, body: chunked(r) };
    }
    const length = contentLength(head.headers);
    if (length !== null) return { ...head, body: fixedLength(r, length, "the body was cut short") };
    return { ...head, body: untilClose(r) };
  }
}
