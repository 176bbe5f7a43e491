import { AppError } from "../../domain/errors.ts";
import { invalidImage } from "../codecs/mod.ts";
import { type CostPart, estimateSvgCost, type SvgCost } from "./svg_cost.ts";
import { length, viewBox } from "./svg_geometry.ts";
import { MAX_COSTLY_RULES, parseSvgTree, type SvgNode, SvgTreeLimit } from "./svg_tree.ts";

/**
 * What one SVG render may cost (README "SVG render budget"). The time is resvg's estimated
 * work on one core of the reference machine; 4 s keeps the worst admitted render well inside
 * the 10 s a caller should ever wait, and 512 MB keeps one render from taking a 1 GB instance.
 */
export const SVG_BUDGET = {
  workMs: 4_000,
  memoryBytes: 512 * 2 ** 20,
  elements: 100_000,
  points: 250_000,
};

export type SvgBudget = typeof SVG_BUDGET;

export type SvgRenderSize = { width: number; height: number };

/**
 * At ingest: the sanitised SVG must render within the budget at its own size (clamped to
 * maxPixels, as the largest rendition a link can ask for without w/h), which is what
 * `?format=png` makes. Throws image_too_complex; returns the estimate.
 */
export function checkSvgIngest(
  svg: string,
  maxPixels: number,
  budget: SvgBudget = SVG_BUDGET,
): SvgCost {
  const root = tree(svg, budget, "file");
  const own = intrinsicSize(root);
  const shrink = Math.min(1, Math.sqrt(maxPixels / (own.width * own.height)));
  const render = {
    width: Math.max(1, Math.floor(own.width * shrink)),
    height: Math.max(1, Math.floor(own.height * shrink)),
  };
  return judge(root, render, own, budget, "file");
}

/**
 * Before a rasterisation: the same budget at the size the pipeline renders at (`atLeast`, the
 * zoom rasterise applies), so an SVG stored before the budget existed is refused too, never
 * rendered past it.
 */
export function checkSvgRender(
  svg: Uint8Array | string,
  atLeast?: SvgRenderSize,
  budget: SvgBudget = SVG_BUDGET,
): SvgCost {
  const text = typeof svg === "string" ? svg : new TextDecoder().decode(svg);
  const root = tree(text, budget, "w");
  const own = intrinsicSize(root);
  const zoom = atLeast ? Math.max(atLeast.width / own.width, atLeast.height / own.height) : 1;
  const render = {
    width: Math.max(1, Math.ceil(own.width * zoom)),
    height: Math.max(1, Math.ceil(own.height * zoom)),
  };
  return judge(root, render, own, budget, "w");
}

/** The size resvg gives the root: width/height, else the viewBox's, else 100 (user units). */
export function intrinsicSize(root: SvgNode): SvgRenderSize {
  const vb = viewBox(root.attrs.viewBox);
  const vw = vb ? vb.x1 - vb.x0 : 100, vh = vb ? vb.y1 - vb.y0 : 100;
  const w = length(root.attrs.width, vw), h = length(root.attrs.height, vh);
  return {
    width: w !== null && w > 0 ? w : vw,
    height: h !== null && h > 0 ? h : vh,
  };
}

type Field = "file" | "w";

function tree(svg: string, budget: SvgBudget, field: Field): SvgNode {
  try {
    return parseSvgTree(svg, budget.elements);
  } catch (error) {
    if (error instanceof SvgTreeLimit) throw tooComplex(error.kind, budget, field);
    // Sanitised text is well-formed by construction; anything else is not an SVG we can judge.
    throw invalidImage("svg", `it is not well-formed XML (${(error as Error).message})`, error);
  }
}

function judge(
  root: SvgNode,
  render: SvgRenderSize,
  own: SvgRenderSize,
  budget: SvgBudget,
  field: Field,
): SvgCost {
  const vb = viewBox(root.attrs.viewBox);
  const user = vb ? { width: vb.x1 - vb.x0, height: vb.y1 - vb.y0 } : own;
  const cost = estimateSvgCost(root, render, user);
  const detail = { ...cost, render };
  if (cost.elements > budget.elements) throw tooComplex("elements", budget, field, detail);
  if (cost.points > budget.points) throw tooComplex("points", budget, field, detail);
  if (cost.workMs > budget.workMs || cost.memoryBytes > budget.memoryBytes) {
    const worst = (Object.entries(cost.parts) as [CostPart, number][])
      .sort((a, b) => b[1] - a[1])[0][0];
    throw tooComplex(worst, budget, field, detail);
  }
  return cost;
}

type Reason = CostPart | "elements" | "points" | "rules";

const HINTS: Record<Reason, (b: SvgBudget) => string> = {
  rules: () =>
    `Use fewer <style> rules that set filter, mask, clip-path, opacity, markers or pattern ` +
    `fills (at most ${MAX_COSTLY_RULES.toLocaleString("en")}); set them on the elements instead.`,
  elements: (b) =>
    `Use fewer elements: at most ${b.elements.toLocaleString("en")}, each <use>, marker and ` +
    "pattern copy counted again.",
  points: (b) =>
    `Simplify the paths: at most ${b.points.toLocaleString("en")} points over the drawing ` +
    "(strokes and dashes count their outline, each <use> copy counts again).",
  shapes: () => "Draw fewer or smaller overlapping shapes, or use fewer <use> copies.",
  paths: () => "Simplify the paths: fewer points and fewer long edges that cross the drawing.",
  layers: () =>
    "Nest fewer groups with opacity, masks, clip paths or blend modes, or apply them to " +
    "smaller elements.",
  filters: () =>
    "Use fewer or smaller filters (feGaussianBlur, feMorphology, feTurbulence…), apply them to " +
    "smaller elements, or remove them.",
  images: () => "Embed smaller raster images.",
};

function tooComplex(
  what: Reason,
  budget: SvgBudget,
  field: Field,
  cost?: SvgCost & { render: SvgRenderSize },
): AppError {
  const size = cost ? ` at ${cost.render.width}x${cost.render.height}` : "";
  const estimate = cost
    ? ` (estimated ${seconds(cost.workMs)} and ${mb(cost.memoryBytes)}; the budget is ` +
      `${seconds(budget.workMs)} and ${mb(budget.memoryBytes)})`
    : "";
  const also = field === "w"
    ? " A smaller rendition (lower w, h or dpr) costs less."
    : " A smaller width and height on the root <svg> costs less too.";
  return new AppError(
    "image_too_complex",
    `This SVG is too costly to render${size}${estimate}: too many ${LABEL[what]}.`,
    {
      field,
      hint: HINTS[what](budget) + also,
      ...(cost
        ? {
          extra: {
            estimated_ms: Math.round(cost.workMs),
            estimated_mb: Math.round(cost.memoryBytes / 2 ** 20),
          },
        }
        : {}),
    },
  );
}

const LABEL: Record<Reason, string> = {
  rules: "costly style rules",
  elements: "elements",
  points: "path points",
  shapes: "large shapes",
  paths: "path points and edges",
  layers: "layers (opacity, masks, clip paths)",
  filters: "filter effects",
  images: "embedded image pixels",
};

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
const mb = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`;
