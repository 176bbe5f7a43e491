import { FORMATS, OUTPUT_IDS } from "../formats/mod.ts";

/** A parsed transform query (SPEC §5). Absent fields mean "the default". */
export type OutputFormat = "jpg" | "webp" | "avif" | "png" | "gif";
export type Fit = "scale-down" | "contain" | "cover" | "crop" | "pad";
export type Side = "top" | "bottom" | "left" | "right";
export type Gravity =
  | { kind: "center" }
  | { kind: "auto" }
  | { kind: "face" }
  | { kind: "side"; side: Side }
  | { kind: "point"; x: number; y: number };
export type NamedSize = "s" | "m" | "l" | "social";

export type TransformParams = {
  format?: OutputFormat;
  brightness?: number;
  contrast?: number;
  gamma?: number;
  saturation?: number;
  blur?: number;
  sharp?: number;
  rotate?: 90 | 180 | 270;
  flip?: "h" | "v" | "hv";
  /** Remove the background (src/vision). */
  segment?: "foreground";
  /** RGBA, each 0–255. */
  background?: [number, number, number, number];
  metadata?: "copyright" | "none" | "keep";
  quality?: number;
  size?: NamedSize;
  w?: number;
  h?: number;
  fit?: Fit;
  gravity?: Gravity;
  dpr?: number;
};

/** From the format registry, keyed by the `format=` value (the extension). */
export const FORMAT_MIME = Object.fromEntries(
  OUTPUT_IDS.map((id) => [FORMATS[id].extension, FORMATS[id].mime]),
) as Record<OutputFormat, string>;
