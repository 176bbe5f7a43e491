/**
 * Ingest cost per input format, and the memory a camera-sized JPEG takes.
 *
 *   deno run --allow-env --allow-read --allow-write=./data bench/ingest.ts
 *
 * large.jpg runs first, so its RSS is not inflated by the other codecs' wasm memories. Decoding
 * is synchronous wasm, which no timer can interrupt, so RSS is sampled right after each ingest:
 * wasm memory never shrinks, so that sample holds the decoder's peak; only the short-lived JS
 * copies freed before the sample escape it.
 */
import { ingest } from "../src/imaging/ingest.ts";
import {
  avif,
  bmpFromBmpTs,
  gradient,
  icoDib,
  icoFile,
  png,
  webp,
} from "../tests/support/formats.ts";

const OPTS = {
  limits: { maxPixels: 50_000_000, maxFrames: 300, maxAnimationPixels: 200_000_000 },
  svgMaxBytes: 10 * 1024 * 1024,
};
const fixture = (name: string) =>
  Deno.readFile(new URL(`../tests/fixtures/${name}`, import.meta.url));
const MiB = 1024 * 1024;

let peakRss = 0;
const sampleRss = () => (peakRss = Math.max(peakRss, Deno.memoryUsage().rss));

async function time(bytes: Uint8Array, runs: number): Promise<number[]> {
  await ingest(bytes, OPTS); // loads and compiles the codec
  sampleRss();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await ingest(bytes, OPTS);
    ms.push(performance.now() - started);
    sampleRss();
  }
  return ms.sort((a, b) => a - b);
}

const median = (xs: number[]) => xs[Math.floor(xs.length / 2)];

const large = await fixture("large.jpg");
const rssBefore = Deno.memoryUsage().rss;
const largeMs = await time(large, 5);
console.log(
  `large.jpg (3640x2400, ${(large.length / MiB).toFixed(1)} MiB): median ${
    median(largeMs).toFixed(0)
  } ms; RSS before ${(rssBefore / MiB).toFixed(0)} MiB, peak ${
    (peakRss / MiB).toFixed(0)
  } MiB, after ${(Deno.memoryUsage().rss / MiB).toFixed(0)} MiB`,
);

const svg = new TextEncoder().encode(
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">` +
    Array.from({ length: 200 }, (_, i) => `<circle cx="${i}" cy="${i}" r="${i % 40}"/>`).join("") +
    `</svg>`,
);
const photo = gradient(512, 512);
const cases: [string, Uint8Array][] = [
  ["jpeg  portrait.jpg 512x512", await fixture("portrait.jpg")],
  ["jpeg  photo-exif.jpg (GPS strip)", await fixture("photo-exif.jpg")],
  ["png   portrait.png 512x512", await fixture("portrait.png")],
  ["png   coffee.png 600x400", await fixture("coffee.png")],
  ["gif   animated.gif 24 frames", await fixture("animated.gif")],
  ["heic  photo.heic 512x512 -> jpeg", await fixture("photo.heic")],
  ["webp  512x512 (generated)", await webp(photo)],
  ["avif  512x512 (generated)", await avif(photo)],
  ["bmp   512x512 24-bit -> png", bmpFromBmpTs(photo, 24)],
  [
    "ico   16+256 -> png",
    icoFile([
      { width: 16, height: 16, bpp: 32, data: icoDib(gradient(16, 16)) },
      { width: 256, height: 256, bpp: 32, data: await png(gradient(256, 256)) },
    ]),
  ],
  ["svg   200 circles, sanitised", svg],
];
console.log("\nformat / input                        median    min    max  (ms, 10 runs)");
for (const [label, bytes] of cases) {
  const ms = await time(bytes, 10);
  console.log(
    `${label.padEnd(36)} ${median(ms).toFixed(1).padStart(7)} ${ms[0].toFixed(1).padStart(6)} ${
      ms[ms.length - 1].toFixed(1).padStart(6)
    }`,
  );
}
