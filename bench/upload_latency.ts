import {
  answerLabel,
  type Bench,
  captureServerErrors,
  countLabels,
  type Figure,
  fixture,
  percentile,
  seconds,
  startApp,
  upload,
  withFileKv,
} from "./support.ts";

const UPLOADS = 200;
const CONCURRENCY = 8;
const WARMUP = 10;

type Round = { latencies: number[]; perSecond: number; answers: string; serverLog: string };

/** The same JPEG with a comment segment (FF FE) after SOI: valid, but of its own content hash. */
function withComment(jpeg: Uint8Array<ArrayBuffer>, text: string): Blob {
  const body = new TextEncoder().encode(text);
  const segment = new Uint8Array(4 + body.length);
  segment.set([0xff, 0xfe, (body.length + 2) >> 8, (body.length + 2) & 0xff]);
  segment.set(body, 4);
  return new Blob([jpeg.subarray(0, 2), segment, jpeg.subarray(2)], { type: "image/jpeg" });
}

/** `uploads` uploads, `concurrency` in flight at a time; `fileFor(i)` is the i-th file. */
async function round(
  base: string,
  fileFor: (i: number) => Blob,
  uploads: number,
  concurrency: number,
): Promise<Round> {
  const latencies: number[] = [];
  const labels: string[] = [];
  const log = captureServerErrors();
  let next = 0;
  const worker = async () => {
    while (next < uploads) {
      const file = fileFor(next++);
      const t = performance.now();
      const answer = await upload(base, file, "portrait.jpg");
      latencies.push(performance.now() - t);
      labels.push(answerLabel(answer));
    }
  };
  const t = performance.now();
  let serverLog: string;
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    serverLog = log.stop();
  }
  return { latencies, perSecond: uploads / seconds(t), answers: countLabels(labels), serverLog };
}

function figures(label: string, r: Round): Figure[] {
  return [
    { name: `${label}: p50 latency`, value: percentile(r.latencies, 50), unit: "ms", digits: 1 },
    { name: `${label}: p95 latency`, value: percentile(r.latencies, 95), unit: "ms", digits: 1 },
    {
      name: `${label}: throughput`,
      value: r.perSecond,
      unit: "uploads/s",
      note: [`answers: ${r.answers}`, r.serverLog].filter(Boolean).join("; "),
    },
  ];
}

export const uploadLatency: Bench = {
  id: "upload_latency",
  name: "upload portrait.jpg over loopback",
  run: () =>
    withFileKv("upload_latency", async (kv) => {
      const app = startApp(kv);
      try {
        const bytes = await fixture("portrait.jpg");
        const same = new Blob([bytes], { type: "image/jpeg" });
        const identical = () => same;
        // Real uploads are mostly different files; identical bytes all share one blob record.
        let n = 0;
        const distinct = () => withComment(bytes, `bench upload ${n++}`);
        // Compiles the JPEG decoder and warms the JIT and the connection pool.
        await round(app.base, distinct, WARMUP, 1);
        return [
          ...figures(
            `${UPLOADS} sequential, same file`,
            await round(app.base, identical, UPLOADS, 1),
          ),
          ...figures(
            `${UPLOADS} at concurrency ${CONCURRENCY}, same file`,
            await round(app.base, identical, UPLOADS, CONCURRENCY),
          ),
          ...figures(
            `${UPLOADS} sequential, distinct files`,
            await round(app.base, distinct, UPLOADS, 1),
          ),
          ...figures(
            `${UPLOADS} at concurrency ${CONCURRENCY}, distinct files`,
            await round(app.base, distinct, UPLOADS, CONCURRENCY),
          ),
        ];
      } finally {
        await app.close();
      }
    }),
};
