import type { Rect } from "../pixels/mod.ts";
import type { Fit, Gravity, TransformParams } from "./params.ts";

/** Short side of the named sizes; `social` is a fixed Open Graph card. */
const SHORT_SIDE = { s: 320, m: 640, l: 1080 } as const;
const SOCIAL = { width: 1200, height: 630 };

/**
 * What the crop/resize step will do, worked out from sizes alone (no pixels), so the viewer
 * page can state the output size without running the pipeline. Coordinates are in the
 * orientation after EXIF, flip and rotate.
 *
 * The crop comes first, in source coordinates, and only the window is resampled: no working
 * image is ever larger than the source or the output. (Resizing first made a 1x4000 image a
 * 1200x4,800,000 one on its way to a 1200x630 card.)
 */
export type GeometryPlan = {
  /** Cut this rectangle out of the source first; `auto` finds its offset from content. */
  crop: (Rect & { auto: boolean; face?: boolean }) | null;
  /** Then resample (the window, or the whole image) to this size; null keeps the size. */
  resize: { width: number; height: number } | null;
  /** Then place the image on a transparent canvas of this size. */
  pad: (Rect & { canvasWidth: number; canvasHeight: number }) | null;
  width: number;
  height: number;
};

/** Width and height once EXIF orientation (already in the stored doc) and rotate apply. */
export function orientedSize(displayW: number, displayH: number, p: TransformParams) {
  const quarter = p.rotate === 90 || p.rotate === 270;
  return quarter ? { width: displayH, height: displayW } : { width: displayW, height: displayH };
}

export function planGeometry(W: number, H: number, p: TransformParams): GeometryPlan {
  if (p.size === "social") return cover(W, H, SOCIAL.width, SOCIAL.height, p.gravity, true);
  if (p.size) {
    const s = Math.min(1, SHORT_SIDE[p.size] / Math.min(W, H));
    return scaled(W, H, s);
  }
  const dpr = p.dpr ?? 1;
  const tw = p.w ? Math.round(p.w * dpr) : undefined;
  const th = p.h ? Math.round(p.h * dpr) : undefined;
  if (tw === undefined && th === undefined) return scaled(W, H, 1);
  const fit: Fit = p.fit ?? "scale-down";
  const mayGrow = fit === "contain" || fit === "cover" || fit === "pad";
  if (tw === undefined || th === undefined) {
    // One side given: every fit scales to it; only the enlarging ones may grow the image.
    const s = tw !== undefined ? tw / W : th! / H;
    return scaled(W, H, mayGrow ? s : Math.min(1, s));
  }
  switch (fit) {
    case "scale-down":
      return scaled(W, H, Math.min(1, tw / W, th / H));
    case "contain":
      return scaled(W, H, Math.min(tw / W, th / H));
    case "cover":
      return cover(W, H, tw, th, p.gravity, true);
    case "crop":
      return cover(W, H, tw, th, p.gravity, false);
    case "pad": {
      const inner = scaled(W, H, Math.min(tw / W, th / H));
      const [x, y] = place(tw - inner.width, th - inner.height, p.gravity);
      return {
        ...inner,
        pad: { x, y, width: inner.width, height: inner.height, canvasWidth: tw, canvasHeight: th },
        width: tw,
        height: th,
      };
    }
  }
}

function scaled(W: number, H: number, s: number): GeometryPlan {
  if (s === 1) return { crop: null, resize: null, pad: null, width: W, height: H };
  const width = Math.max(1, Math.round(W * s));
  const height = Math.max(1, Math.round(H * s));
  return { crop: null, resize: { width, height }, pad: null, width, height };
}

/** Fills tw×th and cuts the excess; without `grow` an image is never enlarged to do so. */
function cover(
  W: number,
  H: number,
  tw: number,
  th: number,
  gravity: Gravity | undefined,
  grow: boolean,
): GeometryPlan {
  let s = Math.max(tw / W, th / H);
  if (!grow) s = Math.min(1, s);
  const width = Math.min(tw, Math.max(1, Math.round(W * s)));
  const height = Math.min(th, Math.max(1, Math.round(H * s)));
  // The window that becomes the output, in source pixels (at least one of them).
  const cw = Math.min(W, Math.max(1, Math.round(width / s)));
  const ch = Math.min(H, Math.max(1, Math.round(height / s)));
  const [x, y] = place(W - cw, H - ch, gravity, cw, ch, W, H);
  // A face crop cuts its window even when the aspects match: the faces decide how much to keep.
  const crop = cw === W && ch === H && gravity?.kind !== "face" ? null : {
    x,
    y,
    width: cw,
    height: ch,
    // A face crop with no face found falls back to auto; the pipeline decides.
    auto: gravity?.kind === "auto" || gravity?.kind === "face",
    ...(gravity?.kind === "face" ? { face: true } : {}),
  };
  const resize = cw === width && ch === height ? null : { width, height };
  return { crop, resize, pad: null, width, height };
}

/**
 * Offset of a window inside a larger area (crop) or of an image inside a canvas (pad, where
 * the slack is the free space). A point gravity centres the window on that fraction.
 */
function place(
  slackX: number,
  slackY: number,
  g: Gravity | undefined,
  winW = 0,
  winH = 0,
  areaW = slackX,
  areaH = slackY,
): [number, number] {
  const clampX = (v: number) => Math.max(0, Math.min(slackX, Math.round(v)));
  const clampY = (v: number) => Math.max(0, Math.min(slackY, Math.round(v)));
  if (!g || g.kind === "center" || g.kind === "auto" || g.kind === "face") {
    return [clampX(slackX / 2), clampY(slackY / 2)];
  }
  if (g.kind === "side") {
    switch (g.side) {
      case "top":
        return [clampX(slackX / 2), 0];
      case "bottom":
        return [clampX(slackX / 2), slackY];
      case "left":
        return [0, clampY(slackY / 2)];
      case "right":
        return [slackX, clampY(slackY / 2)];
    }
  }
  if (winW === 0) return [clampX(slackX * g.x), clampY(slackY * g.y)];
  return [clampX(g.x * areaW - winW / 2), clampY(g.y * areaH - winH / 2)];
}

/** The output size of a transform: what og:image:width/height announce. */
export function outputSize(displayW: number, displayH: number, p: TransformParams) {
  const { width, height } = orientedSize(displayW, displayH, p);
  const plan = planGeometry(width, height, p);
  return { width: plan.width, height: plan.height };
}
