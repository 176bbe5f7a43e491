import type { Rgba } from "../codecs/mod.ts";
import type { Mask } from "./raster.ts";

/** Share of border pixels that must be the backdrop colour for a photo to count as "plain". */
const PLAIN_SHARE = 0.92;
/** Colour distance (RGBA, 0–510) below which a border pixel is "the backdrop colour". */
const PLAIN_DISTANCE = 28;
/** Pixels this far (in working pixels) from the keyed backdrop get a partial alpha. */
const FRINGE = 2;

const dist = (d: Uint8Array, i: number, c: number[]) => {
  const r = d[i] - c[0], g = d[i + 1] - c[1], b = d[i + 2] - c[2], a = d[i + 3] - c[3];
  return Math.sqrt(r * r + g * g + b * b + a * a);
};

/** The border ring's median colour and how many of its pixels are close to it. */
function backdrop(img: Rgba): { colour: number[]; share: number; spread: number } {
  const { width: w, height: h, data } = img;
  const ring: number[] = [];
  for (let x = 0; x < w; x++) ring.push(x, (h - 1) * w + x);
  for (let y = 1; y < h - 1; y++) ring.push(y * w, y * w + w - 1);
  const colour = [0, 1, 2, 3].map((c) => {
    const v = ring.map((p) => data[p * 4 + c]).sort((a, b) => a - b);
    return v[v.length >> 1];
  });
  const ds = ring.map((p) => dist(data, p * 4, colour)).sort((a, b) => a - b);
  const share = ds.filter((d) => d < PLAIN_DISTANCE).length / ds.length;
  return { colour, share, spread: ds[Math.floor(ds.length * 0.9)] };
}

/**
 * For product shots and cut-outs on a plain backdrop: flood the backdrop colour in from the
 * border, so a white shirt on a white wall's inside stays. The fringe just inside the flood
 * keeps a partial alpha by its colour distance (soft and translucent edges are not binarised).
 * Null when the border is not plain.
 */
export function floodKey(img: Rgba): Mask | null {
  const { width: w, height: h, data } = img;
  if (w < 3 || h < 3) return null;
  const { colour, share, spread } = backdrop(img);
  if (share < PLAIN_SHARE) return null;
  const t0 = Math.max(14, Math.min(PLAIN_DISTANCE, spread * 2));
  const t1 = t0 + 60;
  const n = w * h;
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) d[i] = dist(data, i * 4, colour);
  // 0 unknown, 1 backdrop. Scanline-free flood with an explicit stack: no recursion depth.
  const bg = new Uint8Array(n);
  const stack = new Int32Array(n);
  let top = 0;
  const seed = (p: number) => {
    if (!bg[p] && d[p] < t0) {
      bg[p] = 1;
      stack[top++] = p;
    }
  };
  for (let x = 0; x < w; x++) seed(x), seed((h - 1) * w + x);
  for (let y = 0; y < h; y++) seed(y * w), seed(y * w + w - 1);
  while (top > 0) {
    const p = stack[--top];
    const x = p % w;
    if (x > 0) seed(p - 1);
    if (x < w - 1) seed(p + 1);
    if (p >= w) seed(p - w);
    if (p < n - w) seed(p + w);
  }
  const alpha = new Uint8Array(n).fill(255);
  for (let p = 0; p < n; p++) if (bg[p]) alpha[p] = 0;
  // The fringe: pixels near the flood ramp from transparent at t0 to opaque at t1.
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      if (bg[p] || !nearBackdrop(bg, w, h, x, y)) continue;
      const t = (d[p] - t0) / (t1 - t0);
      alpha[p] = Math.round(255 * Math.max(0, Math.min(1, t)));
    }
  }
  return { width: w, height: h, data: alpha };
}

function nearBackdrop(bg: Uint8Array, w: number, h: number, x: number, y: number): boolean {
  for (let dy = -FRINGE; dy <= FRINGE; dy++) {
    const yy = y + dy;
    if (yy < 0 || yy >= h) continue;
    for (let dx = -FRINGE; dx <= FRINGE; dx++) {
      const xx = x + dx;
      if (xx >= 0 && xx < w && bg[yy * w + xx]) return true;
    }
  }
  return false;
}
