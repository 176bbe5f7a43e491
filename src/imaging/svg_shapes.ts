import { readHeader } from "./header.ts";
import { type Box, length, type PathStats, pathStats, viewBox } from "./svg_geometry.ts";
import type { SvgNode } from "./svg_tree.ts";
import { readWebpHeader } from "./webp_header.ts";

/** Geometry the SVG cost estimate reads off single elements (src/imaging/svg_cost.ts). */

const MAX_DASHES = 1_000_000; // tiny-skia stops dashing past this many

/** The stroke paint in effect: whether there is one, and its width in user units. */
export type Stroke = { on: boolean; width: number };
export const NO_STROKE: Stroke = { on: false, width: 1 };

export function strokedBox(box: Box | null, stroke: Stroke): Box | null {
  if (!box || !stroke.on) return box;
  const half = stroke.width / 2;
  return { x0: box.x0 - half, y0: box.y0 - half, x1: box.x1 + half, y1: box.y1 + half };
}

export function shapeStats(node: SvgNode): PathStats {
  const a = node.attrs;
  const n = (v: string | undefined) => Number(length(v, 0) ?? 0) || 0;
  const boxed = (x0: number, y0: number, x1: number, y1: number, points: number): PathStats => ({
    points,
    curves: node.name === "rect" ? 0 : 4,
    rows: 2 * Math.abs(y1 - y0),
    length: 2 * (Math.abs(x1 - x0) + Math.abs(y1 - y0)),
    box: { x0, y0, x1, y1 },
  });
  switch (node.name) {
    case "path":
      return pathStats(a.d ?? "");
    case "polyline":
    case "polygon":
      return pathStats(`M${a.points ?? ""}`);
    case "line":
      return pathStats(`M${n(a.x1)} ${n(a.y1)} L${n(a.x2)} ${n(a.y2)}`);
    case "rect":
      return boxed(n(a.x), n(a.y), n(a.x) + n(a.width), n(a.y) + n(a.height), 4);
    case "circle": {
      const r = n(a.r);
      return boxed(n(a.cx) - r, n(a.cy) - r, n(a.cx) + r, n(a.cy) + r, 4);
    }
    default: {
      const rx = n(a.rx), ry = n(a.ry);
      return boxed(n(a.cx) - rx, n(a.cy) - ry, n(a.cx) + rx, n(a.cy) + ry, 4);
    }
  }
}

export function imageBox(node: SvgNode) {
  const w = length(node.attrs.width, 0), h = length(node.attrs.height, 0);
  if (w === null || h === null) return null;
  return { x0: 0, y0: 0, x1: w, y1: h };
}

/** A nested <svg> maps its viewBox onto its own width and height. */
export function nestedScale(node: SvgNode): number {
  const vb = viewBox(node.attrs.viewBox);
  const w = length(node.attrs.width, 0), h = length(node.attrs.height, 0);
  if (!vb || w === null || h === null) return 1;
  return Math.sqrt(Math.abs((w * h) / ((vb.x1 - vb.x0) * (vb.y1 - vb.y0)))) || 1;
}

export function dashCount(dasharray: string | undefined, pathLength: number): number {
  if (!dasharray || dasharray.trim() === "none") return 0;
  const dashes = dasharray.split(/[\s,]+/).map((v) => length(v, 0) ?? 0);
  const period = dashes.reduce((sum, v) => sum + Math.abs(v), 0);
  if (!(period > 0)) return 0;
  return Math.min(MAX_DASHES, Math.ceil((pathLength / period) * dashes.length));
}

/** Pixels of a base64 data: raster, from its header; 0 when the renderer could not read it. */
export function embeddedPixels(href: string): number {
  const m = href.trim().match(/^data:image\/(png|jpeg|gif|webp)[^,]*;base64,/i);
  if (!m) return 0;
  try {
    const text = atob(href.trim().slice(m[0].length).replace(/\s+/g, ""));
    const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));
    const kind = m[1].toLowerCase();
    if (kind === "webp") {
      const h = readWebpHeader(bytes);
      return h.largestFramePixels;
    }
    const h = readHeader(bytes, kind as "png" | "jpeg" | "gif");
    return h.largestFramePixels;
  } catch {
    return 0;
  }
}
