import { type Bench, fixture, MB, seconds, startApp, upload, withFileKv } from "./support.ts";

const READS = 20;

/** Reads a response body to the end without keeping it; returns the byte count. */
async function drain(res: Response): Promise<number> {
  let bytes = 0;
  for await (const chunk of res.body!) bytes += chunk.length;
  return bytes;
}

export const streamOriginal: Bench = {
  id: "stream_original",
  name: "stream a stored large.jpg original",
  run: () =>
    withFileKv("stream_original", async (kv) => {
      const app = startApp(kv);
      try {
        const bytes = await fixture("large.jpg");
        const stored = await upload(app.base, new Blob([bytes]), "large.jpg");
        if (stored.status !== 201) {
          throw new Error(`uploading large.jpg answered ${stored.status} ${stored.body.error}`);
        }
        // metadata=keep: the stored bytes as they are (a plain link filters a JPEG's Exif).
        const url = `${app.base}/${stored.body.id}.${stored.body.extension}?metadata=keep`;
        // One untimed read, so the first timed one does not pay for cold pages.
        await drain(await fetch(url));

        let total = 0;
        const t = performance.now();
        for (let i = 0; i < READS; i++) {
          const res = await fetch(url);
          if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}`);
          const n = await drain(res);
          if (n !== bytes.length) throw new Error(`GET ${url} gave ${n} of ${bytes.length} bytes`);
          total += n;
        }
        const elapsed = seconds(t);
        return [{
          name: `GET original x ${READS} (${(bytes.length / MB).toFixed(2)} MB each)`,
          value: total / MB / elapsed,
          unit: "MB/s",
          note: `${(elapsed / READS * 1000).toFixed(1)} ms per read`,
        }];
      } finally {
        await app.close();
      }
    }),
};
