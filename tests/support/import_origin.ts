import { FIXTURES } from "./test_app.ts";

/** What an origin saw: one entry per request that reached it. */
export type Hit = { path: string; headers: Headers };

const TYPES: Record<string, string> = { jpg: "image/jpeg", png: "image/png", gif: "image/gif" };
const JPEG_START = new Uint8Array([0xff, 0xd8, 0xff, 0xe0]);

/** A body that sends one byte per `everyMs` forever, and stops its timer when abandoned. */
function trickle(everyMs: number): ReadableStream<Uint8Array> {
  let timer: ReturnType<typeof setInterval> | undefined;
  let i = 0;
  return new ReadableStream({
    start(ctl) {
      timer = setInterval(() => ctl.enqueue(JPEG_START.slice(i % 4, (i++ % 4) + 1)), everyMs);
    },
    cancel() {
      clearInterval(timer);
    },
  });
}

/** An endless chunked body that starts like a JPEG. */
function endless(): ReadableStream<Uint8Array> {
  const chunk = new Uint8Array(64 * 1024);
  chunk.set(JPEG_START);
  return new ReadableStream({ pull: (ctl) => ctl.enqueue(chunk) }, { highWaterMark: 0 });
}

function route(url: URL, self: string): Response | Promise<Response> {
  const p = url.pathname;
  const redirect = (location: string, status = 302) =>
    new Response(null, { status, headers: { location } });
  let m: RegExpExecArray | null;
  if ((m = /^\/fixtures\/([\w.-]+)$/.exec(p))) {
    const ext = m[1].split(".").pop()!;
    return Deno.readFile(new URL(m[1], FIXTURES)).then((bytes) =>
      new Response(bytes, { headers: { "content-type": TYPES[ext] ?? "application/octet-stream" } })
    );
  }
  if ((m = /^\/hops\/(\d+)\/([\w.-]+)$/.exec(p))) {
    const left = Number(m[1]);
    // Relative, absolute and 301/307/308 forms all occur in the wild; use each.
    if (left <= 1) return redirect(`${self}/fixtures/${m[2]}`, 308);
    return redirect(left % 2 ? `/hops/${left - 1}/${m[2]}` : `../${left - 1}/${m[2]}`, 301);
  }
  if (p === "/to") return redirect(url.searchParams.get("location")!, 307);
  if (p === "/slow") {
    return new Response(trickle(100), { headers: { "content-type": "image/jpeg" } });
  }
  if (p === "/endless") {
    return new Response(endless(), { headers: { "content-type": "image/jpeg" } });
  }
  if (p === "/page.html") {
    return new Response("<!DOCTYPE html><html><body><img src=/fixtures/cat.png></body></html>", {
      headers: { "content-type": "text/html; charset=utf-8" },
    });
  }
  if (p === "/busy") return new Response("busy", { status: 503, headers: { "retry-after": "7" } });
  if (p === "/private") return new Response("no", { status: 403 });
  return new Response("not here", { status: 404 });
}

/** A loopback web server over the shared fixtures, counting every request it answers. */
export async function withOrigin(fn: (origin: string, hits: Hit[]) => Promise<void>) {
  const hits: Hit[] = [];
  let self = "";
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const url = new URL(req.url);
    hits.push({ path: url.pathname + url.search, headers: req.headers });
    return route(url, self);
  });
  self = `http://127.0.0.1:${server.addr.port}`;
  try {
    await fn(self, hits);
  } finally {
    await server.shutdown();
  }
}

const RAW: Record<string, (conn: Deno.Conn) => Promise<void>> = {
  // Announces far more than it sends, then hangs up.
  "/short": async (conn) => {
    await write(
      conn,
      "HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: 100000\r\n\r\n",
    );
    await conn.write(new Uint8Array(1000).fill(0xff));
  },
  // Announces a few bytes, then never stops sending.
  "/long": async (conn) => {
    await write(conn, "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 50\r\n\r\n");
    const junk = new Uint8Array(16 * 1024).fill(0x42);
    for (let sent = 0; sent < 64 * 1024 * 1024; sent += junk.length) await conn.write(junk);
  },
  // Announces a body far over any limit and sends none of it.
  "/huge": async (conn) => {
    await write(conn, "HTTP/1.1 200 OK\r\nContent-Length: 1000000000000\r\n\r\n");
    await conn.read(new Uint8Array(1)); // until the client gives up
  },
};

const write = (conn: Deno.Conn, text: string) => conn.write(new TextEncoder().encode(text));

async function readPath(conn: Deno.Conn): Promise<string> {
  let head = "";
  const buf = new Uint8Array(4096);
  while (!head.includes("\r\n\r\n")) {
    const n = await conn.read(buf);
    if (n === null) break;
    head += new TextDecoder().decode(buf.subarray(0, n));
  }
  return head.split(" ")[1] ?? "";
}

/** A TCP server that answers with hand-written HTTP, for the lies Deno.serve will not tell. */
export async function withRawOrigin(fn: (origin: string, hits: string[]) => Promise<void>) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const hits: string[] = [];
  const open = new Set<Deno.Conn>();
  const handlers: Promise<unknown>[] = [];
  const accepting = (async () => {
    for await (const conn of listener) {
      open.add(conn);
      handlers.push(
        (async () => {
          const path = await readPath(conn);
          hits.push(path);
          await (RAW[path] ?? ((c) => write(c, "HTTP/1.1 404 Not Found\r\n\r\n")))(conn);
        })().catch(() => {/* the client hung up: that is the point of these tests */}).finally(
          () => {
            open.delete(conn);
            try {
              conn.close();
            } catch { /* closed by shutdown */ }
          },
        ),
      );
    }
  })();
  try {
    await fn(`http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`, hits);
  } finally {
    listener.close();
    await accepting.catch(() => {});
    for (const conn of open) {
      try {
        conn.close();
      } catch { /* already closed */ }
    }
    await Promise.allSettled(handlers);
  }
}
