import type { Rgba } from "../codecs/mod.ts";
import type { Box } from "./boxes.ts";
import type { Mask } from "./raster.ts";
import { downscale } from "./raster.ts";

/** GrabCut's working size: ~0.3–0.6 s of CPU here; larger buys little. */
const SIZE = 320;
const ITERATIONS = 4;
/**
 * A side GrabCut needs room on: its rectangle must leave a background border. A thinner image
 * (a 1×2000 strip, a 1×1 pixel) made OpenCV throw, a 500; it is kept whole instead.
 */
const MIN_SIDE = 8;

/** The few OpenCV calls used, typed here rather than through the package's very large types. */
type Mat = { data: Uint8Array; delete(): void };
type Cv = {
  Mat: new (...args: unknown[]) => Mat;
  Rect: new (x: number, y: number, w: number, h: number) => unknown;
  matFromImageData(img: { data: Uint8ClampedArray; width: number; height: number }): Mat;
  cvtColor(src: Mat, dst: Mat, code: number): void;
  grabCut(img: Mat, mask: Mat, rect: unknown, bgd: Mat, fgd: Mat, n: number, mode: number): void;
  COLOR_RGBA2RGB: number;
  GC_INIT_WITH_RECT: number;
};

const CV_FUNCTIONS = ["Mat", "Rect", "matFromImageData", "cvtColor", "grabCut"];
const CV_CONSTANTS = ["COLOR_RGBA2RGB", "GC_INIT_WITH_RECT"];

/** The package's own types are too large to check against: its shape is checked at run time. */
function isCv(x: object): x is Cv {
  const kind = (key: string) => typeof Reflect.get(x, key);
  return CV_FUNCTIONS.every((k) => kind(k) === "function") &&
    CV_CONSTANTS.every((k) => kind(k) === "number");
}

let opencv: Promise<{ cv: Cv }> | null = null;

/**
 * OpenCV's WebAssembly build, once per process or Worker (~0.7 s to start). It is wrapped in an
 * object because the Emscripten module is a thenable that resolves to itself: awaiting it bare
 * never settles.
 */
function cv(): Promise<{ cv: Cv }> {
  opencv ??= (async () => {
    const mod = await import("@techstark/opencv-js");
    const loaded: { Mat?: unknown; onRuntimeInitialized?: () => void } = mod.default;
    if (typeof loaded.Mat !== "function") {
      await new Promise<void>((resolve) => (loaded.onRuntimeInitialized = resolve));
    }
    if (!isCv(loaded)) throw new Error("opencv-js lacks the calls GrabCut needs");
    return { cv: loaded };
  })();
  return opencv;
}

/**
 * OpenCV GrabCut (Apache-2.0) from a rectangle: colour models of "outside the box" against
 * "inside", refined by a graph cut. Close to a strong model on product shots, weak on animals.
 * `box` is in `img` pixels; the mask comes back at `img`'s size.
 */
export async function grabCutMask(img: Rgba, box: Box): Promise<Mask> {
  const { cv: c } = await cv();
  const small = downscale(img, SIZE);
  const s = small.width / img.width;
  const w = small.width, h = small.height;
  if (w < MIN_SIDE || h < MIN_SIDE) {
    return { width: w, height: h, data: new Uint8Array(w * h).fill(255) };
  }
  const x = Math.max(1, Math.floor(box.x * s)), y = Math.max(1, Math.floor(box.y * s));
  const rw = Math.max(2, Math.min(w - 1 - x, Math.ceil(box.width * s)));
  const rh = Math.max(2, Math.min(h - 1 - y, Math.ceil(box.height * s)));
  const rgba = c.matFromImageData({
    data: new Uint8ClampedArray(small.data.buffer, small.data.byteOffset, small.data.length),
    width: w,
    height: h,
  });
  const rgb = new c.Mat();
  const mask = new c.Mat();
  const bgd = new c.Mat();
  const fgd = new c.Mat();
  try {
    c.cvtColor(rgba, rgb, c.COLOR_RGBA2RGB);
    c.grabCut(rgb, mask, new c.Rect(x, y, rw, rh), bgd, fgd, ITERATIONS, c.GC_INIT_WITH_RECT);
    // 1 = sure foreground, 3 = probable foreground.
    const out = new Uint8Array(w * h);
    for (let i = 0; i < out.length; i++) out[i] = mask.data[i] & 1 ? 255 : 0;
    return { width: w, height: h, data: out };
  } finally {
    for (const m of [rgba, rgb, mask, bgd, fgd]) m.delete();
  }
}
