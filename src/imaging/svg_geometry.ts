/**
 * Just enough SVG geometry to estimate what a rasteriser will do with a shape: its bounding box,
 * how many points it has, and how many scanlines its edges cross (all in user units). Nothing
 * here draws; an estimate that errs does so on the large side.
 */

export type Box = { x0: number; y0: number; x1: number; y1: number };

/** Points, curve segments and the summed vertical extent of every edge, plus the bounding box. */
export type PathStats = {
  points: number;
  curves: number;
  rows: number;
  /** Summed |dx| + |dy| of the edges: at least the path's length. */
  length: number;
  box: Box | null;
};

const NUMBER = /[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/g;

/** Arguments each path command takes per repetition. */
const ARITY: Record<string, number> = {
  m: 2,
  l: 2,
  h: 1,
  v: 1,
  c: 6,
  s: 4,
  q: 4,
  t: 2,
  a: 7,
  z: 0,
};

/**
 * Walks path data without building it. Curves are measured by their control polygon, which
 * contains them, so the box and the rows are upper bounds.
 */
export function pathStats(d: string): PathStats {
  const s: PathStats = { points: 0, curves: 0, rows: 0, length: 0, box: null };
  let x = 0, y = 0, startX = 0, startY = 0;
  const to = (nx: number, ny: number) => {
    s.rows += Math.abs(ny - y);
    s.length += Math.abs(ny - y) + Math.abs(nx - x);
    x = nx;
    y = ny;
    s.points++;
    grow(s, x, y);
  };
  for (const match of d.matchAll(/([MmLlHhVvCcSsQqTtAaZz])([^MmLlHhVvCcSsQqTtAaZz]*)/g)) {
    const command = match[1];
    const lower = command.toLowerCase();
    const rel = command !== command.toUpperCase();
    if (lower === "z") {
      to(startX, startY);
      continue;
    }
    const args = (match[2].match(NUMBER) ?? []).map(Number);
    const arity = ARITY[lower];
    for (let i = 0; i + arity <= args.length; i += arity) {
      const a = args.slice(i, i + arity);
      const bx = rel ? x : 0, by = rel ? y : 0;
      switch (lower) {
        case "m":
          // Later pairs after a moveto are linetos.
          if (i === 0) {
            x = a[0] + bx;
            y = a[1] + by;
            startX = x;
            startY = y;
            s.points++;
            grow(s, x, y);
          } else to(a[0] + bx, a[1] + by);
          break;
        case "l":
        case "t":
          to(a[0] + bx, a[1] + by);
          break;
        case "h":
          to(a[0] + bx, y);
          break;
        case "v":
          to(x, a[0] + by);
          break;
        case "a":
          s.curves++;
          grow(s, x - a[0], y - a[1]);
          grow(s, x + a[0], y + a[1]);
          s.rows += 2 * Math.abs(a[1]);
          to(a[5] + bx, a[6] + by);
          grow(s, x - a[0], y - a[1]);
          grow(s, x + a[0], y + a[1]);
          break;
        default: {
          s.curves++;
          // Control points, then the end point.
          for (let k = 0; k + 2 < arity; k += 2) {
            s.rows += Math.abs(a[k + 1] + by - y);
            grow(s, a[k] + bx, a[k + 1] + by);
          }
          to(a[arity - 2] + bx, a[arity - 1] + by);
        }
      }
    }
  }
  return s;
}

function grow(s: PathStats, x: number, y: number) {
  if (!Number.isFinite(x) || !Number.isFinite(y)) return;
  if (!s.box) s.box = { x0: x, y0: y, x1: x, y1: y };
  else {
    s.box.x0 = Math.min(s.box.x0, x);
    s.box.y0 = Math.min(s.box.y0, y);
    s.box.x1 = Math.max(s.box.x1, x);
    s.box.y1 = Math.max(s.box.y1, y);
  }
}

/** The numbers of a `points` attribute (polyline, polygon) as path data. */
export const pointsAsPath = (points: string) => `M${points}`;

/**
 * A length in user units: plain numbers and px as they are, absolute units converted, percentages
 * of `ref`. Anything unreadable is null (the caller assumes the worst).
 */
export function length(value: string | undefined, ref: number): number | null {
  if (value === undefined) return null;
  const m = value.trim().match(/^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*([a-z%]*)$/i);
  if (!m) return null;
  const n = Number(m[1]);
  const unit = m[2].toLowerCase();
  const factor = UNITS[unit];
  if (unit === "%") return (n / 100) * ref;
  return factor === undefined ? null : n * factor;
}

const UNITS: Record<string, number> = {
  "": 1,
  px: 1,
  pt: 4 / 3,
  pc: 16,
  mm: 96 / 25.4,
  cm: 96 / 2.54,
  in: 96,
  em: 16,
  ex: 8,
};

/**
 * How much a `transform` attribute enlarges lengths (the square root of its determinant's
 * magnitude, composed over its functions): areas scale with its square. Rotation and translation
 * leave it at 1.
 */
export function transformScale(value: string | undefined): number {
  if (!value) return 1;
  let scale = 1;
  for (const m of value.matchAll(/(matrix|scale)\s*\(([^)]*)\)/gi)) {
    const n = (m[2].match(NUMBER) ?? []).map(Number);
    if (m[1].toLowerCase() === "scale") {
      const sx = n[0] ?? 1, sy = n[1] ?? sx;
      scale *= Math.sqrt(Math.abs(sx * sy));
    } else if (n.length >= 4) {
      scale *= Math.sqrt(Math.abs(n[0] * n[3] - n[1] * n[2]));
    }
  }
  return Number.isFinite(scale) ? scale : 1;
}

/** The numbers of a viewBox, or null when it is absent or not four finite, positive-sized ones. */
export function viewBox(value: string | undefined): Box | null {
  if (!value) return null;
  const n = (value.match(NUMBER) ?? []).map(Number);
  if (n.length !== 4 || !(n[2] > 0) || !(n[3] > 0)) return null;
  return { x0: n[0], y0: n[1], x1: n[0] + n[2], y1: n[1] + n[3] };
}
