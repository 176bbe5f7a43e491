import type { Rgba } from "../codecs/mod.ts";
import type { Rect } from "../pixels/mod.ts";
import type { Box } from "./boxes.ts";
import { type Mask, resizeMask } from "./raster.ts";

/**
 * The image with the mask multiplied into its alpha. The mask (kept at its working size) is
 * upsampled bilinearly to the image, which also feathers its edge.
 */
export function applyMask(img: Rgba, mask: Mask): Rgba {
  const m = resizeMask(mask, img.width, img.height).data;
  const data = new Uint8Array(img.data);
  for (let i = 0; i < m.length; i++) data[i * 4 + 3] = Math.round((data[i * 4 + 3] * m[i]) / 255);
  return { width: img.width, height: img.height, data };
}

/**
 * Boxes in displayed pixels (W×H) carried through flip then a clockwise rotation, as the
 * pipeline does to the image, then scaled by fx, fy (a JPEG decoded smaller).
 */
export function orientBoxes(
  boxes: Box[],
  W: number,
  H: number,
  { flip, rotate }: { flip?: "h" | "v" | "hv"; rotate?: 90 | 180 | 270 },
  fx = 1,
  fy = 1,
): Box[] {
  return boxes.map((b) => turn(b, W, H, flip, rotate)).map((b) => ({
    ...b,
    x: b.x * fx,
    y: b.y * fy,
    width: b.width * fx,
    height: b.height * fy,
  }));
}

function turn(
  b: Box,
  W: number,
  H: number,
  flip: "h" | "v" | "hv" | undefined,
  rotate: 90 | 180 | 270 | undefined,
): Box {
  let { x, y } = b;
  const { width: w, height: h } = b;
  if (flip?.includes("h")) x = W - (x + w);
  if (flip?.includes("v")) y = H - (y + h);
  switch (rotate) {
    case 90:
      return { ...b, x: H - (y + h), y: x, width: h, height: w };
    case 180:
      return { ...b, x: W - (x + w), y: H - (y + h) };
    case 270:
      return { ...b, x: y, y: W - (x + w), width: h, height: w };
    default:
      return { ...b, x, y };
  }
}

/** Margin around the faces, as a share of the largest face's height, on every side. */
const MARGIN = 0.6;

/**
 * The crop window for gravity=face: the union of the faces grown by a margin, widened or
 * heightened to the output's aspect, no smaller than `min` (so the output is not enlarged more
 * than it must be) and no larger than `max` (the cover window), centred on the faces and kept
 * inside the image. All in the pixels of an `imgW`×`imgH` image.
 */
export function faceWindow(
  faces: Box[],
  imgW: number,
  imgH: number,
  max: { width: number; height: number },
  min: { width: number; height: number },
): Rect {
  const x0 = Math.min(...faces.map((f) => f.x)), y0 = Math.min(...faces.map((f) => f.y));
  const x1 = Math.max(...faces.map((f) => f.x + f.width));
  const y1 = Math.max(...faces.map((f) => f.y + f.height));
  const m = MARGIN * Math.max(...faces.map((f) => f.height));
  const aspect = max.width / max.height;
  let w = x1 - x0 + 2 * m, h = y1 - y0 + 2 * m;
  if (w / h < aspect) w = h * aspect;
  else h = w / aspect;
  const s = Math.min(max.width / w, max.height / h, Math.max(1, min.width / w, min.height / h));
  w = Math.max(1, Math.min(max.width, Math.round(w * s)));
  h = Math.max(1, Math.min(max.height, Math.round(h * s)));
  const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  const x = Math.round(Math.max(0, Math.min(imgW - w, cx - w / 2)));
  const y = Math.round(Math.max(0, Math.min(imgH - h, cy - h / 2)));
  return { x, y, width: w, height: h };
}
