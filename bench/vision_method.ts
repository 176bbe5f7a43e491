/**
 * One vision method on one fixture, in a fresh process (so its peak RSS is its own): prints
 * {cold, warm, rssMb, detail} as JSON. Run by bench/vision.ts.
 */
import { decodeSource } from "../src/imaging/mod.ts";
import { blazeFaces } from "../src/vision/blazeface.ts";
import { floodKey } from "../src/vision/flood_key.ts";
import { grabCutMask } from "../src/vision/grabcut.ts";
import { detectObjects } from "../src/vision/nanodet.ts";
import { downscale } from "../src/vision/raster.ts";
import { SEGMENT_SIDE, segmentForeground } from "../src/vision/segment.ts";
import { selfieMask } from "../src/vision/selfie.ts";

const [method, name] = Deno.args;
const bytes = await Deno.readFile(new URL(`../tests/fixtures/${name}`, import.meta.url));
const [full] = await decodeSource(bytes, name.endsWith(".png") ? "png" : "jpeg");
const img = downscale(full, SEGMENT_SIDE);
const inset = { x: img.width * 0.05, y: img.height * 0.05, score: 0 };
const box = { ...inset, width: img.width * 0.9, height: img.height * 0.9 };
const run: Record<string, () => Promise<unknown>> = {
  flood: () => Promise.resolve(floodKey(img)),
  selfie: () => selfieMask(img),
  grabcut: () => grabCutMask(img, box),
  nanodet: () => detectObjects(img),
  blazeface: () => blazeFaces(downscale(full, 1024)),
  // The whole route on the full decoded image, downscale included.
  route: async () => (await segmentForeground(full)).method,
};
const times: number[] = [];
let detail: unknown;
for (let i = 0; i < 4; i++) {
  const t = performance.now();
  detail = await run[method]();
  times.push(performance.now() - t);
}
const status = await Deno.readTextFile("/proc/self/status").catch(() => "");
const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
const warm = times.slice(1).sort((a, b) => a - b)[1];
console.log(JSON.stringify({
  cold: times[0],
  warm,
  rssMb: (hwm || Deno.memoryUsage().rss) / 1e6,
  detail: typeof detail === "string" ? detail : undefined,
}));
