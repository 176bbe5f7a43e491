import type { Gravity, TransformParams } from "../transform/mod.ts";

/** Parameters that change the output's geometry: only a signed link may carry them. */
export const SIGNED_PARAMS = ["w", "h", "fit", "gravity", "dpr"] as const;

/** Numbers are written with at most two decimals and no trailing zeros: 1.50 → 1.5. */
export const normaliseNumber = (n: number) => String(Math.round(n * 100) / 100);

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * The parameters exactly as the variant key writes them (numbers to two decimals), which is what
 * gets rendered: `brightness=1.0401` and `1.0499` share one key, so they must share the pixels.
 */
export function canonicalParams(p: TransformParams): TransformParams {
  const out: TransformParams = { ...p };
  for (const k of Object.keys(out) as (keyof TransformParams)[]) {
    const v = out[k];
    if (typeof v === "number") (out as Record<string, unknown>)[k] = round2(v);
  }
  if (out.gravity?.kind === "point") {
    out.gravity = { kind: "point", x: round2(out.gravity.x), y: round2(out.gravity.y) };
  }
  return out;
}

const hex2 = (n: number) => n.toString(16).padStart(2, "0");

/** Colours are written as bare lowercase hex, alpha only when not opaque, so URLs need no escaping. */
export function colourString([r, g, b, a]: [number, number, number, number]): string {
  return hex2(r) + hex2(g) + hex2(b) + (a === 255 ? "" : hex2(a));
}

function gravityString(g: Gravity): string {
  switch (g.kind) {
    case "center":
    case "auto":
    case "face":
      return g.kind;
    case "side":
      return g.side;
    case "point":
      return `${normaliseNumber(g.x)}x${normaliseNumber(g.y)}`;
  }
}

/** Each present, non-default parameter as its canonical string value. */
export function canonicalEntries(p: TransformParams): [string, string][] {
  const out: [string, string][] = [];
  const num = (k: keyof TransformParams, v: number | undefined, unchanged: number[]) => {
    if (v !== undefined && !unchanged.includes(v)) out.push([k, normaliseNumber(v)]);
  };
  if (p.format) out.push(["format", p.format]);
  num("brightness", p.brightness, [1]);
  num("contrast", p.contrast, [1]);
  num("gamma", p.gamma, [0, 1]);
  num("saturation", p.saturation, [1]);
  num("blur", p.blur, []);
  num("sharp", p.sharp, [0]);
  num("rotate", p.rotate, []);
  if (p.flip) out.push(["flip", p.flip]);
  if (p.segment) out.push(["segment", p.segment]);
  if (p.background) out.push(["background", colourString(p.background)]);
  if (p.metadata && p.metadata !== "copyright") out.push(["metadata", p.metadata]);
  num("quality", p.quality, []);
  if (p.size) out.push(["size", p.size]);
  num("w", p.w, []);
  num("h", p.h, []);
  if (p.fit && p.fit !== "scale-down") out.push(["fit", p.fit]);
  if (p.gravity && p.gravity.kind !== "center") out.push(["gravity", gravityString(p.gravity)]);
  num("dpr", p.dpr, [1]);
  return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Sorted `k=v&…` with defaults removed: the same transform always gives the same string. */
export function canonicalString(p: TransformParams): string {
  return canonicalEntries(p).map(([k, v]) => `${k}=${v}`).join("&");
}

/** The canonical string of the parameters a signature covers. */
export function signedString(p: TransformParams): string {
  const signed: readonly string[] = SIGNED_PARAMS;
  return canonicalEntries(p).filter(([k]) => signed.includes(k)).map(([k, v]) => `${k}=${v}`)
    .join("&");
}

export const needsSignature = (p: TransformParams) => signedString(p) !== "";
