import type { Rgba } from "../codecs/mod.ts";

/** One pixel per element: geometry moves whole pixels, never channels. */
function pixels(img: Rgba): Uint32Array {
  const d = img.data;
  // Typed-array views need 4-byte alignment; codec output usually has it, a subarray may not.
  const aligned = d.byteOffset % 4 === 0 ? d : d.slice();
  return new Uint32Array(aligned.buffer, aligned.byteOffset, img.width * img.height);
}

function fromPixels(width: number, height: number, px: Uint32Array): Rgba {
  return { width, height, data: new Uint8Array(px.buffer, px.byteOffset, px.length * 4) };
}

/** Clockwise quarter turns: the pixel at (x, y) goes to (H-1-y, x) for 90°. */
export function rotate(img: Rgba, degrees: 90 | 180 | 270): Rgba {
  const { width: w, height: h } = img;
  const src = pixels(img);
  const out = new Uint32Array(w * h);
  if (degrees === 180) {
    for (let i = 0, j = w * h - 1; j >= 0; i++, j--) out[i] = src[j];
    return fromPixels(w, h, out);
  }
  // The output is h wide and w high.
  if (degrees === 90) {
    for (let y = 0; y < h; y++) {
      const row = y * w;
      const col = h - 1 - y;
      for (let x = 0; x < w; x++) out[x * h + col] = src[row + x];
    }
  } else {
    for (let y = 0; y < h; y++) {
      const row = y * w;
      for (let x = 0; x < w; x++) out[(w - 1 - x) * h + y] = src[row + x];
    }
  }
  return fromPixels(h, w, out);
}

/** `h` mirrors left–right, `v` top–bottom, `hv` both (which is a half turn). */
export function flip(img: Rgba, how: "h" | "v" | "hv"): Rgba {
  if (how === "hv") return rotate(img, 180);
  const { width: w, height: h } = img;
  const src = pixels(img);
  const out = new Uint32Array(w * h);
  if (how === "h") {
    for (let y = 0; y < h; y++) {
      const row = y * w;
      for (let x = 0; x < w; x++) out[row + x] = src[row + w - 1 - x];
    }
  } else {
    for (let y = 0; y < h; y++) out.set(src.subarray((h - 1 - y) * w, (h - y) * w), y * w);
  }
  return fromPixels(w, h, out);
}

export type Rect = { x: number; y: number; width: number; height: number };

/** The rectangle, clipped to the image. */
export function crop(img: Rgba, r: Rect): Rgba {
  const x = Math.max(0, Math.min(img.width - 1, r.x));
  const y = Math.max(0, Math.min(img.height - 1, r.y));
  const width = Math.max(1, Math.min(img.width - x, r.width));
  const height = Math.max(1, Math.min(img.height - y, r.height));
  if (x === 0 && y === 0 && width === img.width && height === img.height) return img;
  const src = pixels(img);
  const out = new Uint32Array(width * height);
  for (let row = 0; row < height; row++) {
    const start = (y + row) * img.width + x;
    out.set(src.subarray(start, start + width), row * width);
  }
  return fromPixels(width, height, out);
}

/** Places the image on a transparent canvas at (x, y); `background` fills it later. */
export function pad(img: Rgba, width: number, height: number, x: number, y: number): Rgba {
  if (width === img.width && height === img.height) return img;
  const src = pixels(img);
  const out = new Uint32Array(width * height);
  for (let row = 0; row < img.height; row++) {
    out.set(src.subarray(row * img.width, (row + 1) * img.width), (y + row) * width + x);
  }
  return fromPixels(width, height, out);
}

/** Applies EXIF orientation 1–8 so that the pixels stand as the camera meant them to be seen. */
export function orient(img: Rgba, orientation: number): Rgba {
  switch (orientation) {
    case 2:
      return flip(img, "h");
    case 3:
      return rotate(img, 180);
    case 4:
      return flip(img, "v");
    case 5: // transpose
      return flip(rotate(img, 90), "h");
    case 6:
      return rotate(img, 90);
    case 7: // transverse
      return flip(rotate(img, 270), "h");
    case 8:
      return rotate(img, 270);
    default:
      return img;
  }
}
