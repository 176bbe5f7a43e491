import { AppError } from "../../domain/errors.ts";
import { invalidImage, svgTooLarge } from "../codecs/mod.ts";
import { svgSize } from "../codecs/mod.ts";
import { checkSvgIngest } from "./svg_budget.ts";
import { type Ingested, ingested } from "./stored_format.ts";
import { sanitizeSvg, SvgError } from "./svg_sanitize.ts";

/**
 * SVG is stored sanitised (see sanitizeSvg), as UTF-8. resvg then parses the sanitised text: it
 * must be an SVG resvg can read, and it gives the intrinsic size. The pixel limit does not
 * apply: nothing is rasterised here, and a transform sets its own output size. What rendering
 * it at its own size would cost must fit the SVG budget (image_too_complex otherwise).
 */
export async function ingestSvg(
  bytes: Uint8Array,
  maxBytes: number,
  maxPixels: number,
): Promise<Ingested> {
  if (bytes.length > maxBytes) throw svgTooLarge(bytes.length, maxBytes);
  let clean: string;
  try {
    clean = sanitizeSvg(decodeText(bytes));
  } catch (error) {
    if (error instanceof SvgError || error instanceof TypeError) {
      throw invalidImage("svg", error instanceof SvgError ? error.message : "it is not UTF-8 text");
    }
    throw error;
  }
  // Before resvg parses it: a refused drawing costs no more than the estimate.
  checkSvgIngest(clean, maxPixels);
  let size: { width: number; height: number };
  try {
    size = await svgSize(clean);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw invalidImage("svg", `resvg cannot read it (${String(error)})`, error);
  }
  return ingested("svg", new TextEncoder().encode(clean), {
    width: Math.max(1, Math.round(size.width)),
    height: Math.max(1, Math.round(size.height)),
  });
}

// sniff only recognises ASCII-compatible markup, so UTF-8 is the one encoding that gets here;
// `fatal` turns stray bytes into a TypeError.
const decodeText = (bytes: Uint8Array) => new TextDecoder("utf-8", { fatal: true }).decode(bytes);
