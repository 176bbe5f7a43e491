import { iendOffset, noisePng, noisePngSize, textChunk } from "./noise_png.ts";
import {
  answerLabel,
  type Bench,
  captureServerErrors,
  countLabels,
  MB,
  parseAnswer,
  startApp,
  withFileKv,
} from "./support.ts";

const UPLOADS = 10;
const SAMPLE_MS = 10;
const WRITE_CHUNK = 256 * 1024;
const ANON_LIMIT = 20_000_000;
// 2640 × 2520 RGB ≈ 6.7 megapixels, ~19.97 MB: just under the 20 MB anonymous limit.
const WIDTH = 2640;
const HEIGHT = 2520;

const encoder = new TextEncoder();

async function writeAll(conn: Deno.Conn, bytes: Uint8Array) {
  for (let at = 0; at < bytes.length;) {
    at += await conn.write(bytes.subarray(at, Math.min(at + WRITE_CHUNK, bytes.length)));
  }
}

/**
 * POSTs a multipart upload over a raw HTTP/1.1 connection, writing views of the caller's
 * buffers, so all requests in flight share one copy of the image. (Deno's fetch would read a
 * FormData Blob into a fresh buffer per request, and sends a stream body chunked, without the
 * Content-Length that browsers and curl send.) Returns "201" or "<status> <error code>".
 */
async function rawUpload(port: number, file: Uint8Array[], name: string): Promise<string> {
  const boundary = `----bench${crypto.randomUUID()}`;
  const head = encoder.encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n` +
      `Content-Type: image/png\r\n\r\n`,
  );
  const tail = encoder.encode(`\r\n--${boundary}--\r\n`);
  const parts = [head, ...file, tail];
  const length = parts.reduce((n, p) => n + p.length, 0);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await writeAll(
      conn,
      encoder.encode(
        `POST /v1/upload HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
          `Content-Type: multipart/form-data; boundary=${boundary}\r\n` +
          `Content-Length: ${length}\r\nConnection: close\r\n\r\n`,
      ),
    );
    for (const part of parts) await writeAll(conn, part);
    const response = new TextDecoder().decode(await new Response(conn.readable).arrayBuffer());
    const status = Number(response.slice(9, 12));
    if (status === 201) return "201";
    const body = response.slice(response.indexOf("\r\n\r\n") + 4);
    return answerLabel({ status, body: parseAnswer(body) });
  } finally {
    try {
      conn.close();
    } catch { /* already closed by reading to the end */ }
  }
}

/** Samples RSS every SAMPLE_MS (and on demand) and keeps the highest value seen. */
function rssSampler() {
  let peak = Deno.memoryUsage().rss;
  const sample = () => {
    peak = Math.max(peak, Deno.memoryUsage().rss);
  };
  const timer = setInterval(sample, SAMPLE_MS);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

export const peakRss: Bench = {
  id: "peak_rss",
  name: `peak RSS, ${UPLOADS} concurrent ~20 MB PNG uploads`,
  run: () =>
    withFileKv("peak_rss", async (kv) => {
      if (noisePngSize(WIDTH, HEIGHT) > ANON_LIMIT) throw new Error("the PNG would be over 20 MB");
      const app = startApp(kv);
      const port = Number(new URL(app.base).port);
      try {
        // Compile the PNG decoder with a tiny image so its compile is not in the measurement.
        const warm = await rawUpload(port, [noisePng(16, 16)], "warm.png");
        if (warm !== "201") throw new Error(`warm-up upload answered ${warm}`);

        // The one shared buffer. Each upload splices its own tEXt chunk in before IEND (views,
        // not copies), so the ten are different files: ten identical ones would all race for
        // the same blob record, which the upload benchmark shows fails most of them.
        const png = noisePng(WIDTH, HEIGHT);
        const body = png.subarray(0, iendOffset(png));
        const iend = png.subarray(iendOffset(png));

        const log = captureServerErrors();
        const before = Deno.memoryUsage().rss;
        const sampler = rssSampler();
        const t = performance.now();
        let results: string[];
        let serverLog: string;
        try {
          results = await Promise.all(
            Array.from(
              { length: UPLOADS },
              (_, i) => rawUpload(port, [body, textChunk("Comment", `upload ${i}`), iend], "n.png"),
            ),
          );
        } finally {
          serverLog = log.stop();
        }
        const elapsed = (performance.now() - t) / 1000;
        const peak = sampler.stop();

        return [
          {
            name: `peak RSS (file ${(png.length / MB).toFixed(1)} MB, ${WIDTH}x${HEIGHT})`,
            value: peak / MB,
            unit: "MB",
            target: { op: "<", value: 600 },
            note: [`answers: ${countLabels(results)}`, `${elapsed.toFixed(1)} s`, serverLog]
              .filter(Boolean).join("; "),
          },
          {
            name: "  (RSS just before the uploads)",
            value: before / MB,
            unit: "MB",
            note: `growth during the uploads ${((peak - before) / MB).toFixed(0)} MB; ` +
              "earlier benchmarks raise this: `deno task bench peak_rss` runs it alone",
          },
        ];
      } finally {
        await app.close();
      }
    }),
};
