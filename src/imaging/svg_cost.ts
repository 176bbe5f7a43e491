import { length, type PathStats, transformScale } from "./svg_geometry.ts";
import {
  dashCount,
  embeddedPixels,
  imageBox,
  nestedScale,
  NO_STROKE,
  shapeStats,
  type Stroke,
  strokedBox,
} from "./svg_shapes.ts";
import { hrefRef, property, type SvgNode, urlRefs } from "./svg_tree.ts";

/**
 * What rendering an SVG is expected to take: the estimated time on one core of the reference
 * machine (the 2-core CI box), the memory the rasteriser holds at its peak, and the two counts
 * that are budgeted on their own. Every estimate is an upper bound on what resvg does.
 */
export type SvgCost = {
  workMs: number;
  memoryBytes: number;
  /** Elements rendered, each `<use>`, marker or pattern copy counted again. */
  elements: number;
  /** Path points (strokes and dashes count their outline), copies counted again. */
  points: number;
  /** Where workMs goes. */
  parts: Record<CostPart, number>;
};

export type CostPart = "shapes" | "paths" | "layers" | "filters" | "images";

// Nanoseconds per unit, measured with resvg-wasm 2.6 on the reference machine (bench/svg_bombs.ts
// prints estimate against measured time). Units: device pixels unless said otherwise.
const FILL_NS = 1.5; // one shape painted, per pixel of its box
const POINT_NS = 1_000; // one path point: parsed, transformed, flattened, edged
const CURVE_NS = 2_000; // a curve flattens into several lines
const ROW_NS = 300; // one scanline an edge crosses (the rasteriser sorts its active edges per row)
const LAYER_NS = 100; // a layer (opacity, mask, filter, pattern tile) allocated and composed
const BLUR_NS = 1_000; // feGaussianBlur: box blurs, independent of the radius
const PRIMITIVE_NS = 100; // offset, flood, merge, composite, colour matrix, blend, tile…
const LIGHTING_NS = 400;
const TURBULENCE_NS = 300; // per octave
const IMAGE_NS = 30; // an embedded raster decoded, per pixel

// Never drawn where they stand; drawn when something refers to them.
const REFERENCED_ONLY = new Set([
  "defs",
  "symbol",
  "clippath",
  "mask",
  "pattern",
  "marker",
  "filter",
  "lineargradient",
  "radialgradient",
  "style",
  "title",
  "desc",
  "metadata",
]);
const SHAPES = new Set(["rect", "circle", "ellipse", "line", "polyline", "polygon", "path"]);
const BASIC = new Set(["rect", "circle", "ellipse", "line"]);

type Totals = Record<CostPart, number> & {
  elements: number;
  points: number;
  /** Deepest stack of layers alive at once, relative to where the totals were collected. */
  depth: number;
  /** Most primitives of one filter (each keeps a region-sized result). */
  filterPeak: number;
  imagePeak: number;
};

const zero = (): Totals => ({
  shapes: 0,
  paths: 0,
  layers: 0,
  filters: 0,
  images: 0,
  elements: 0,
  points: 0,
  depth: 0,
  filterPeak: 0,
  imagePeak: 0,
});

/**
 * Estimates rendering `root` (a parsed, sanitised SVG) at `render` device pixels, whose user
 * space is `user` units wide and high (the viewBox, else the intrinsic size).
 */
export function estimateSvgCost(
  root: SvgNode,
  render: { width: number; height: number },
  user: { width: number; height: number },
): SvgCost {
  const area = render.width * render.height;
  const ids = new Map<string, SvgNode>();
  index(root, ids);
  const memo = new Map<string, Totals>();
  const open = new Set<string>();
  const diagonal = Math.hypot(user.width, user.height) / Math.SQRT2;

  /** The stroke an element paints with: its own, else the one it inherits. */
  function strokeOf(node: SvgNode, inherited: Stroke): Stroke {
    const paint = property(node, "stroke")?.trim();
    const width = length(property(node, "stroke-width"), diagonal);
    return {
      on: paint === undefined ? inherited.on : paint !== "none",
      width: width === null ? inherited.width : Math.abs(width),
    };
  }

  function walk(node: SvgNode, scale: number, acc: Totals, depth: number, stroke: Stroke) {
    if (property(node, "display")?.trim() === "none" || REFERENCED_ONLY.has(node.name)) return;
    // Inside its own subtree an element is "open": a <use> back to it is a cycle.
    const id = node.attrs.id;
    if (id === undefined || open.has(id)) return draw(node, scale, acc, depth, stroke);
    open.add(id);
    try {
      draw(node, scale, acc, depth, stroke);
    } finally {
      open.delete(id);
    }
  }

  function draw(node: SvgNode, scale: number, acc: Totals, depth: number, inherited: Stroke) {
    acc.elements++;
    let s = scale * transformScale(node.attrs.transform);
    if (node.name === "svg" && node !== root) s *= nestedScale(node);
    const stroke = strokeOf(node, inherited);
    const stats = SHAPES.has(node.name) ? shapeStats(node) : null;
    // A stroke paints half its width beyond the outline: a dot with a huge stroke fills the canvas.
    const own = node.name === "image"
      ? imageBox(node)
      : stats
      ? strokedBox(stats.box, stroke)
      : null;
    const box = own
      ? Math.min(area, Math.max(1, (own.x1 - own.x0) * s) * Math.max(1, (own.y1 - own.y0) * s))
      : area;

    const filters = urlRefs(property(node, "filter"));
    const masks = urlRefs(property(node, "mask"));
    const clips = urlRefs(property(node, "clip-path"));
    const opacity = Number(property(node, "opacity") ?? 1);
    const blend = (property(node, "mix-blend-mode") ?? "normal").trim() !== "normal";
    const isolate = (property(node, "isolation") ?? "").trim() === "isolate";
    let d = depth;
    if (filters.length || masks.length || clips.length || opacity < 1 || blend || isolate) {
      acc.layers += box * LAYER_NS;
      acc.depth = Math.max(acc.depth, ++d);
    }
    for (const id of filters) filterCost(ids.get(id), box, !!own, s, acc, d);
    for (const id of masks) {
      acc.layers += box * LAYER_NS;
      acc.depth = Math.max(acc.depth, d + 1);
      ref(id, s, 1, acc, d + 1, stroke);
    }
    for (const id of clips) ref(id, s, 1, acc, d, stroke);
    for (const paint of ["fill", "stroke"]) {
      for (const id of urlRefs(property(node, paint))) {
        const target = ids.get(id);
        if (target?.name !== "pattern") continue;
        acc.layers += box * LAYER_NS;
        const ps = s * transformScale(target.attrs.patternTransform);
        ref(id, ps, 1, acc, d + 1, stroke);
      }
    }
    if (stats) shapeCost(node, stats, s, box, acc, d, stroke);
    if (node.name === "image") imageCost(node, box, acc);
    if (node.name === "use") {
      const id = hrefRef(node);
      if (id) ref(id, s, 1, acc, d, stroke);
    }
    for (const child of node.children) walk(child, s, acc, d, stroke);
  }

  function shapeCost(
    node: SvgNode,
    p: PathStats,
    s: number,
    box: number,
    acc: Totals,
    d: number,
    stroke: Stroke,
  ) {
    const stroked = stroke.on;
    const filled = property(node, "fill")?.trim() !== "none";
    const paints = (filled ? 1 : 0) + (stroked ? 1 : 0);
    acc.shapes += box * FILL_NS * paints;
    const outline = stroked ? 2 : 1;
    // The point budget is for path data; a basic shape's few points are only work.
    if (!BASIC.has(node.name)) acc.points += p.points * outline;
    acc.paths += (p.points * POINT_NS + p.curves * CURVE_NS + p.rows * s * ROW_NS) * outline;
    const dashes = stroked ? dashCount(property(node, "stroke-dasharray"), p.length) : 0;
    acc.points += dashes * 4;
    acc.paths += dashes * 4 * POINT_NS;
    const every = urlRefs(property(node, "marker"));
    const marker = (side: string) => {
      const value = property(node, `marker-${side}`);
      return value === undefined ? every : urlRefs(value);
    };
    for (const id of [...marker("start"), ...marker("end")]) ref(id, s, 1, acc, d, stroke);
    for (const id of marker("mid")) ref(id, s, Math.max(0, p.points - 2), acc, d, stroke);
  }

  function imageCost(node: SvgNode, box: number, acc: Totals) {
    const pixels = embeddedPixels(node.attrs.href ?? "");
    acc.images += pixels * IMAGE_NS + box * FILL_NS;
    acc.imagePeak = Math.max(acc.imagePeak, pixels);
  }

  function filterCost(
    filter: SvgNode | undefined,
    box: number,
    boxKnown: boolean,
    s: number,
    acc: Totals,
    d: number,
  ) {
    if (filter?.name !== "filter") return;
    // The default region is the box grown by 10% on each side; resvg clips it to the canvas.
    let region = boxKnown ? Math.min(area, box * 1.44) : area;
    if (filter.attrs.filterUnits === "userSpaceOnUse") {
      const w = length(filter.attrs.width, user.width),
        h = length(filter.attrs.height, user.height);
      if (w !== null && h !== null) {
        region = Math.min(area, Math.max(1, w * s) * Math.max(1, h * s));
      }
    }
    // Radii in bounding-box units are fractions of the element's own size.
    const unit = filter.attrs.primitiveUnits === "objectBoundingBox" ? Math.sqrt(box) : s;
    let primitives = 0;
    for (const p of filter.children) {
      if (!p.name.startsWith("fe")) continue;
      primitives++;
      acc.filters += region * primitiveNs(p, unit);
      if (p.name === "feimage") {
        const id = hrefRef(p);
        if (id) ref(id, s, 1, acc, d + 1, NO_STROKE);
      }
    }
    acc.layers += region * LAYER_NS;
    acc.filterPeak = Math.max(acc.filterPeak, primitives + 2);
  }

  /**
   * Adds `times` copies of what the element `id` draws with the stroke it inherits there (once
   * per scale and stroke, memoised).
   */
  function ref(id: string, s: number, times: number, acc: Totals, depth: number, stroke: Stroke) {
    const target = ids.get(id);
    // A reference to itself (directly or not) is dropped by the renderer.
    if (!target || open.has(id) || times === 0) return;
    const width = stroke.on ? Math.round(Math.log2(1 + stroke.width) * 4) : -1;
    const key = `${id}|${Math.round(Math.log2(s) * 4)}|${width}`;
    let t = memo.get(key);
    if (!t) {
      t = zero();
      open.add(id);
      if (REFERENCED_ONLY.has(target.name)) {
        for (const child of target.children) walk(child, s, t, 0, stroke);
      } else walk(target, s, t, 0, stroke);
      open.delete(id);
      memo.set(key, t);
    }
    for (const part of PARTS) acc[part] += t[part] * times;
    acc.elements += t.elements * times;
    acc.points += t.points * times;
    acc.depth = Math.max(acc.depth, depth + t.depth);
    acc.filterPeak = Math.max(acc.filterPeak, t.filterPeak);
    acc.imagePeak = Math.max(acc.imagePeak, t.imagePeak);
  }

  const scale = Math.sqrt(area / Math.max(1e-9, user.width * user.height));
  const acc = zero();
  walk(root, scale, acc, 0, NO_STROKE);
  const parts = Object.fromEntries(PARTS.map((p) => [p, acc[p] / 1e6])) as Record<
    CostPart,
    number
  >;
  // The canvas and its output copy, every layer alive at once, the results one filter keeps
  // (resvg holds each twice: as a result and as the next primitive's working input), and the
  // largest embedded raster. Against the peak RSS growth of 1500x1500 and 2000x2000 renders
  // (blur, drop shadow, five nested layers) it is 0.9–1.4 times resvg's own, beyond the ~25 MiB
  // the wasm instance grows to for any render.
  const memoryBytes = 4 * (area * (2 + acc.depth + 2 * acc.filterPeak) + acc.imagePeak);
  return {
    workMs: PARTS.reduce((sum, p) => sum + parts[p], 0),
    memoryBytes,
    elements: acc.elements,
    points: acc.points,
    parts,
  };
}

const PARTS: CostPart[] = ["shapes", "paths", "layers", "filters", "images"];

function index(node: SvgNode, ids: Map<string, SvgNode>) {
  const id = node.attrs.id;
  if (id !== undefined && !ids.has(id)) ids.set(id, node);
  for (const child of node.children) index(child, ids);
}

function primitiveNs(p: SvgNode, unit: number): number {
  // One or two numbers; the second defaults to the first.
  const pair = (v: string | undefined, fallback: number): [number, number] => {
    const n = (v ?? "").trim().split(/[\s,]+/).filter(Boolean).map(Number);
    const a = Number.isFinite(n[0]) ? n[0] : fallback;
    return [a, Number.isFinite(n[1]) ? n[1] : a];
  };
  switch (p.name) {
    case "fegaussianblur":
      return BLUR_NS;
    case "femorphology": {
      // Each output pixel looks at every pixel of its (2r+1)² window.
      const [rx, ry] = pair(p.attrs.radius, 0).map((r) => Math.abs(r) * unit);
      return PRIMITIVE_NS + (2 * rx + 1) * (2 * ry + 1);
    }
    case "feconvolvematrix": {
      const [ox, oy] = pair(p.attrs.order, 3);
      return PRIMITIVE_NS + 5 * ox * oy;
    }
    case "feturbulence":
      return TURBULENCE_NS * Math.max(1, Number(p.attrs.numOctaves ?? 1) || 1);
    case "fediffuselighting":
    case "fespecularlighting":
      return LIGHTING_NS;
    default:
      return PRIMITIVE_NS;
  }
}
