import assert from "node:assert/strict";
import { ProtocolError, readResponse, TruncatedBody, writeGet } from "./http1.ts";

const enc = new TextEncoder();

/** A connection that replays `wire` in small pieces, as a real socket might deliver it. */
function fakeConn(wire: string | Uint8Array, piece = 7) {
  const bytes = typeof wire === "string" ? enc.encode(wire) : wire;
  let at = 0;
  const written: Uint8Array[] = [];
  const conn = {
    read(buf: Uint8Array): Promise<number | null> {
      if (at >= bytes.length) return Promise.resolve(null);
      const n = Math.min(piece, buf.length, bytes.length - at);
      buf.set(bytes.subarray(at, at + n));
      at += n;
      return Promise.resolve(n);
    },
    write(b: Uint8Array): Promise<number> {
      written.push(b.slice(0, 5)); // short writes must be continued by the caller
      return Promise.resolve(Math.min(5, b.length));
    },
    close() {},
  };
  return { conn, written };
}

async function body(wire: string): Promise<string> {
  const res = await readResponse(fakeConn(wire).conn);
  let out = "";
  for await (const c of res.body) out += new TextDecoder().decode(c);
  return out;
}

Deno.test("the request head carries Host, our headers and Connection: close, even on short writes", async () => {
  const { conn, written } = fakeConn("");
  await writeGet(conn, new URL("http://Example.com:8080/a%20b?q=1#frag"), [["User-Agent", "ua/1"]]);
  const text = new TextDecoder().decode(new Uint8Array(written.flatMap((w) => [...w])));
  assert.equal(
    text,
    "GET /a%20b?q=1 HTTP/1.1\r\nHost: example.com:8080\r\nUser-Agent: ua/1\r\nConnection: close\r\n\r\n",
  );
});

Deno.test("bodies are framed by Content-Length, by chunks, or by close", async () => {
  assert.equal(await body("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloIGNORED"), "hello");
  assert.equal(
    await body(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n6\r\n world\r\n0\r\nT: v\r\n\r\n",
    ),
    "hello world",
  );
  assert.equal(await body("HTTP/1.0 200 OK\r\n\r\nuntil close"), "until close");
  assert.equal(
    await body("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
    "ok",
  );
  assert.equal(await body("HTTP/1.1 204 No Content\r\nContent-Length: 9\r\n\r\n"), "");
});

Deno.test("a body shorter than its Content-Length, or a cut chunk, is reported as truncated", async () => {
  await assert.rejects(body("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort"), TruncatedBody);
  await assert.rejects(
    body("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nff\r\nshort"),
    TruncatedBody,
  );
  await assert.rejects(body("HTTP/1.1 200 OK\r\nContent-Le"), TruncatedBody);
});

Deno.test("malformed answers are refused, not guessed at", async () => {
  const bad = [
    "SSH-2.0-OpenSSH_9.6\r\n\r\n",
    "HTTP/2 200\r\n\r\n",
    "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
    "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
    "HTTP/1.1 200 OK\r\nX: a\r\n folded\r\n\r\n",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n",
    "HTTP/1.1 101 Switching Protocols\r\n\r\n",
  ];
  for (const wire of bad) await assert.rejects(body(wire), ProtocolError, JSON.stringify(wire));
});

Deno.test("an endless response head is cut off at 64 KiB", async () => {
  const wire = "HTTP/1.1 200 OK\r\n" + "X-Pad: " + "a".repeat(70 * 1024);
  await assert.rejects(readResponse(fakeConn(wire, 4096).conn), /longer than/);
});
