/** Upload bodies that arrive one byte at a time, over a real socket (issue 13). */
const enc = new TextEncoder();

export const TRICKLE_BOUNDARY = "trickle";
/** The start of a multipart upload of a GIF, cut after its signature. */
export const HEAD = `--${TRICKLE_BOUNDARY}\r\nContent-Disposition: form-data; name="file"; ` +
  `filename="a.gif"\r\n\r\nGIF89a`;

export type TrickleAnswer = {
  status: number;
  body: { error?: string; message?: string; action?: { type?: string } };
  ms: number;
};

/**
 * A raw HTTP/1.1 upload declaring `declared` bytes that sends its head, then one byte every
 * `everyMs`, until answered.
 */
export async function trickle(
  port: number,
  everyMs = 1000,
  declared = 100_000,
): Promise<TrickleAnswer> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const started = performance.now();
  await conn.write(enc.encode(
    `POST /v1/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; ` +
      `boundary=${TRICKLE_BOUNDARY}\r\nContent-Length: ${declared}\r\nConnection: close\r\n\r\n${HEAD}`,
  ));
  const timer = setInterval(() => conn.write(enc.encode("x")).catch(() => {}), everyMs);
  const answer = (async () => {
    const chunks: Uint8Array[] = [];
    const buf = new Uint8Array(4096);
    try {
      while (true) {
        const n = await conn.read(buf);
        if (n === null) break;
        chunks.push(buf.slice(0, n));
        const text = new TextDecoder().decode(concat(chunks));
        const end = text.indexOf("\r\n\r\n");
        const length = Number(text.match(/content-length: (\d+)/i)?.[1] ?? NaN);
        if (end >= 0 && text.length >= end + 4 + length) break;
      }
    } catch {
      // The server may reset the connection after answering; what arrived is the answer.
    } finally {
      clearInterval(timer);
      conn.close();
    }
    const text = new TextDecoder().decode(concat(chunks));
    const body = text.slice(text.indexOf("\r\n\r\n") + 4);
    return {
      status: Number(text.slice(9, 12)),
      body: JSON.parse(body || "{}"),
      ms: performance.now() - started,
    };
  })();
  return answer;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) out.set(c, (o += c.length) - c.length);
  return out;
}
