import { z } from "zod";
import { AppError } from "../../domain/errors.ts";
import { parseCssColour } from "./css_color.ts";
import type { Gravity, TransformParams } from "../transform/mod.ts";
import { canonicalString } from "./canonical.ts";

/** What each parameter accepts, in words: the hint of every refusal. */
export const ALLOWED: Readonly<Record<string, string>> = {
  format: "jpg (or jpeg), webp, avif, png, gif, or auto (AVIF when the request's Accept lists " +
    "image/avif, else WebP when it lists image/webp, else the stored format; animated GIFs " +
    "stay GIF; responses carry Vary: Accept)",
  brightness: "a number from 0 to 10; 1 leaves the image unchanged",
  contrast: "a number from 0 to 10; 1 leaves the image unchanged",
  gamma: "a number from 0 to 10; 1 (or 0) leaves the image unchanged",
  saturation: "a number from 0 to 10; 1 leaves the image unchanged, 0 is greyscale",
  blur: "a radius from 1 to 250",
  sharp: "a strength from 0 to 10",
  rotate: "90, 180 or 270 (clockwise)",
  flip: "h, v or hv",
  background: "a CSS colour: #rgb, #rrggbb, #rrggbbaa (the # may be omitted), a colour name, " +
    "rgb() or rgba()",
  metadata: "copyright (the default), none or keep",
  quality: "a whole number from 1 to 100",
  size: "s, m, l (short side 320, 640, 1080) or social (1200x630)",
  w: "a whole number of pixels from 1 to 8192",
  h: "a whole number of pixels from 1 to 8192",
  fit: "scale-down (the default), contain, cover, crop or pad",
  gravity: "center (the default), auto, face, top, bottom, left, right, or XxY fractions such " +
    "as 0.5x0.25",
  dpr: "a number from 1 to 3",
  segment: "foreground (remove the background; PNG unless a format is given)",
};

const NUMBER = /^(\d+(\.\d*)?|\.\d+)$/;

/** A decimal in range; `int` refuses fractions. Values are strings, as in a query. */
function number(min: number, max: number, int = false) {
  return z.string().transform((raw, ctx) => {
    const value = NUMBER.test(raw) ? Number(raw) : NaN;
    if (Number.isNaN(value) || value < min || value > max || (int && !Number.isInteger(value))) {
      ctx.addIssue({ code: "custom", message: "is out of range" });
      return z.NEVER;
    }
    return value;
  });
}

function oneOf<const T extends string>(values: readonly T[], aliases: Record<string, T> = {}) {
  return z.string().transform((raw, ctx) => {
    const v = raw.toLowerCase();
    const hit = aliases[v] ?? values.find((x) => x === v);
    if (hit === undefined) {
      ctx.addIssue({ code: "custom", message: "is not one of the allowed values" });
      return z.NEVER;
    }
    return hit;
  });
}

const colour = z.string().transform((raw, ctx) => {
  const c = parseCssColour(raw);
  if (!c) {
    ctx.addIssue({ code: "custom", message: "is not a CSS colour" });
    return z.NEVER;
  }
  return c;
});

const SIDES = ["top", "bottom", "left", "right"] as const;
const FRACTION = /^(0(\.\d+)?|1(\.0*)?|\.\d+)$/;

const gravity = z.string().transform((raw, ctx): Gravity => {
  const v = raw.toLowerCase();
  if (v === "center" || v === "centre") return { kind: "center" };
  if (v === "auto") return { kind: "auto" };
  if (v === "face") return { kind: "face" };
  const side = SIDES.find((s) => s === v);
  if (side) return { kind: "side", side };
  const [x, y, ...rest] = v.split("x");
  if (rest.length === 0 && y !== undefined && FRACTION.test(x) && FRACTION.test(y)) {
    const point = { x: Number(x), y: Number(y) };
    return point.x === 0.5 && point.y === 0.5 ? { kind: "center" } : { kind: "point", ...point };
  }
  ctx.addIssue({ code: "custom", message: "is not a gravity" });
  return z.NEVER;
});

/** The one schema for a transform query (SPEC §5): strings in, typed parameters out. */
export const TransformQuerySchema = z.strictObject({
  format: oneOf(["jpg", "webp", "avif", "png", "gif"], { jpeg: "jpg" }).optional(),
  brightness: number(0, 10).optional(),
  contrast: number(0, 10).optional(),
  gamma: number(0, 10).optional(),
  saturation: number(0, 10).optional(),
  blur: number(1, 250).optional(),
  sharp: number(0, 10).optional(),
  rotate: oneOf(["90", "180", "270"]).transform((v) => Number(v) as 90 | 180 | 270).optional(),
  flip: oneOf(["h", "v", "hv"], { vh: "hv" }).optional(),
  segment: oneOf(["foreground"]).optional(),
  background: colour.optional(),
  metadata: oneOf(["copyright", "none", "keep"]).optional(),
  quality: number(1, 100, true).optional(),
  size: oneOf(["s", "m", "l", "social"]).optional(),
  w: number(1, 8192, true).optional(),
  h: number(1, 8192, true).optional(),
  fit: oneOf(["scale-down", "contain", "cover", "crop", "pad"]).optional(),
  gravity: gravity.optional(),
  dpr: number(1, 3).optional(),
}).transform((p) => p satisfies TransformParams);

/**
 * `auto` is true for `format=auto`: the format is then left out of `params` (and `canonical`),
 * as it depends on each request's Accept header (see format_auto.ts).
 */
export type ParsedQuery = {
  params: TransformParams;
  canonical: string;
  sig: string | null;
  auto: boolean;
};

/**
 * Validates a query (each name → all its values). Throws AppError("invalid_transform") naming
 * the parameter, the value and what is allowed.
 */
export function parseTransformQuery(query: Record<string, string[]>): ParsedQuery {
  const flat: Record<string, string> = {};
  let sig: string | null = null;
  for (const [name, values] of Object.entries(query)) {
    if (values.length > 1) {
      throw refuse(name, values.join(", "), `"${name}" is given ${values.length} times.`);
    }
    if (name === "sig") sig = values[0];
    else flat[name] = values[0];
  }
  const auto = flat.format?.toLowerCase() === "auto";
  if (auto) delete flat.format;
  const result = TransformQuerySchema.safeParse(flat);
  if (!result.success) {
    const issue = result.error.issues[0];
    if (issue.code === "unrecognized_keys") {
      const name = issue.keys[0];
      throw refuse(name, flat[name], `Unknown parameter "${name}".`, Object.keys(ALLOWED));
    }
    const name = String(issue.path[0]);
    throw refusal(name, flat[name], issue);
  }
  const params = result.data;
  if (params.size && (params.w || params.h)) {
    throw refuse("size", flat.size, "Use either size or w/h, not both.");
  }
  const scaled = Math.max(params.w ?? 0, params.h ?? 0) * (params.dpr ?? 1);
  if (scaled > 8192) {
    throw refuse("dpr", flat.dpr ?? "1", "w×dpr and h×dpr must be at most 8192 pixels.");
  }
  return { params, canonical: canonicalString(params), sig, auto };
}

function refusal(name: string, value: string, issue: z.core.$ZodIssue): AppError {
  return refuse(name, value, `"${name}=${value}" ${issue.message}.`);
}

function refuse(
  field: string,
  _value: string | undefined,
  message: string,
  known?: string[],
  hint?: string,
): AppError {
  const allowed = ALLOWED[field];
  return new AppError("invalid_transform", message, {
    field,
    hint: hint ??
      (allowed
        ? `${field} takes ${allowed}.`
        : `Remove "${field}"; the parameters are ${known?.join(", ")} (and sig).`),
  });
}
