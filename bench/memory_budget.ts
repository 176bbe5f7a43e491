/**
 * Issue 13, item 2: memory is budgeted and given back. The server runs in its own process, as
 * `deno task start` runs it (default IMAGE_MEMORY_MB and IMAGE_WORKER_RECYCLE_MB); its resident
 * set (/proc VmRSS) is sampled throughout. Four 49 MP PNG bombs are uploaded at once while
 * /healthz is polled, two of them are then served at size=l (each decodes all 49 MP), the three
 * SVG bombs are uploaded, and the server is left idle for 20 s.
 */
import { blurBomb, filteredRects, pointPath } from "../tests/support/svg_bombs.ts";
import { pngBomb } from "../tests/support/images.ts";
import { startService } from "./server_process.ts";
import { type Bench, countLabels, type Figure, MB, upload, whileProbing } from "./support.ts";

const IDLE_MS = 20_000;

async function rssOf(pid: number): Promise<number> {
  // Deno asks for --allow-all to read /proc directly; cat is an ordinary subprocess.
  const out = await new Deno.Command("cat", { args: [`/proc/${pid}/status`] }).output();
  const status = new TextDecoder().decode(out.stdout);
  return Number(status.match(/VmRSS:\s+(\d+) kB/)?.[1] ?? NaN) * 1024;
}

export const memoryBudget: Bench = {
  id: "memory",
  name: "memory through four 49 MP PNG bombs and the SVG bombs, then idle",
  async run() {
    const bomb = await pngBomb(7000, 7000);
    const server = await startService();
    let peak = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, await rssOf(server.pid));
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const figures: Figure[] = [];
    try {
      await new Promise((r) => setTimeout(r, 1500)); // the Workers warm up after listening
      const idleBefore = await rssOf(server.pid);
      const file = new Blob([bomb], { type: "image/png" });
      const uploads = await whileProbing(
        server.base,
        () => Promise.all([1, 2, 3, 4].map((i) => upload(server.base, file, `bomb${i}.png`))),
      );
      const labels = uploads.value.map((a) =>
        a.status === 201 ? "201" : `${a.status} ${a.body.error}`
      );
      figures.push({
        name: "four 49 MP PNG bombs at once: slowest /healthz meanwhile",
        value: uploads.slowest,
        unit: "ms",
        target: { op: "<", value: 200 },
        note: `${bomb.length} B each; answered ${countLabels(labels)} in ${
          (uploads.ms / 1000).toFixed(1)
        } s`,
      });
      const ids = uploads.value.filter((a) => a.status === 201).map((a) => a.body.id!);
      const resized = await whileProbing(
        server.base,
        () =>
          Promise.all(
            ids.slice(0, 2).map(async (id) => {
              const res = await fetch(`${server.base}/${id}.jpg?size=l`);
              await res.body?.cancel();
              return String(res.status);
            }),
          ),
      );
      figures.push({
        name: "  two of them at size=l (JPEG) at once: slowest /healthz",
        value: resized.slowest,
        unit: "ms",
        note: `answered ${countLabels(resized.value)} in ${(resized.ms / 1000).toFixed(1)} s`,
      });
      const svgs = await Promise.all([blurBomb(), filteredRects(), pointPath()].map(async (svg) => {
        const a = await upload(server.base, new Blob([svg], { type: "image/svg+xml" }), "b.svg");
        return `${a.status} ${a.body.error ?? ""}`.trim();
      }));
      const peakThrough = Math.max(peak, await rssOf(server.pid));
      figures.push({
        name: "peak RSS through the PNG and SVG bombs",
        value: peakThrough / MB,
        unit: "MB",
        target: { op: "<", value: 1500 },
        note: `idle before: ${Math.round(idleBefore / MB)} MB; SVG bombs ${countLabels(svgs)}`,
      });
      const idleFrom = performance.now();
      let fellAfter = NaN;
      let rss = await rssOf(server.pid);
      while (performance.now() - idleFrom < IDLE_MS) {
        await new Promise((r) => setTimeout(r, 250));
        rss = await rssOf(server.pid);
        if (Number.isNaN(fellAfter) && rss < 700 * MB) fellAfter = performance.now() - idleFrom;
      }
      figures.push({
        name: `RSS after ${IDLE_MS / 1000} s idle`,
        value: rss / MB,
        unit: "MB",
        target: { op: "<", value: 700 },
        note: Number.isNaN(fellAfter)
          ? "never under 700 MB"
          : `under 700 MB after ${(fellAfter / 1000).toFixed(1)} s`,
      });
    } finally {
      sampling = false;
      await sampler;
      await server.stop();
    }
    return figures.map((f) => ({
      ...f,
      note: `${f.note ?? ""}${f.note ? "; " : ""}machine shared with other engineers' tests`,
    }));
  },
};
