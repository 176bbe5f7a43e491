import {
  decodeAvif,
  type DecodedFrame,
  decodePixels,
  decodeWebp,
  loadResvg,
  type Rgba,
} from "../codecs/mod.ts";
import { checkSvgRender } from "./svg_budget.ts";
import type { StoredFormat } from "./stored_format.ts";
import { unpremultiply } from "../pixels/mod.ts";

/** Every stored format (SPEC §2, src/formats): HEIC, BMP and ICO were converted at ingest. */

export type SourceOptions = {
  /** The smallest size the pipeline needs (stored orientation); JPEG and SVG use it. */
  atLeast?: { width: number; height: number };
  allFrames?: boolean;
};

/**
 * Decodes a stored original to RGBA frames. JPEG, PNG and GIF go through decode_pixels.ts
 * (libjpeg-turbo, imagescript), WebP and AVIF through the jSquash decoders, and SVG is rasterised
 * by resvg at the size the output needs, so a vector stays sharp at any size.
 */
export async function decodeSource(
  bytes: Uint8Array,
  format: StoredFormat,
  opts: SourceOptions = {},
): Promise<DecodedFrame[]> {
  switch (format) {
    case "jpeg":
    case "png":
    case "gif":
      return await decodePixels(bytes, format, opts);
    case "webp":
      return [still(await decodeWebp(bytes))];
    case "avif":
      return [still(await decodeAvif(bytes))];
    case "svg":
      return [await rasterise(bytes, opts.atLeast)];
  }
}

const still = (img: Rgba): DecodedFrame => ({ ...img, delayMs: 0 });

async function rasterise(
  bytes: Uint8Array,
  atLeast?: { width: number; height: number },
): Promise<DecodedFrame> {
  // Stored before the budget existed or not, nothing renders past it (image_too_complex).
  checkSvgRender(bytes, atLeast);
  const Resvg = await loadResvg();
  let svg: Uint8Array | string = bytes;
  const probe = new Resvg(svg, { font: { loadSystemFonts: false } });
  let intrinsic = { width: probe.width, height: probe.height };
  probe.free();
  // Ingest stores each side as max(1, round(side)); a side under half a pixel would render as
  // zero ("Target size is zero"), so the drawing is stretched to that stored size instead.
  const stored = {
    width: Math.max(1, Math.round(intrinsic.width)),
    height: Math.max(1, Math.round(intrinsic.height)),
  };
  if (Math.round(intrinsic.width) < 1 || Math.round(intrinsic.height) < 1) {
    svg = withRootSize(new TextDecoder().decode(bytes), stored, intrinsic);
    intrinsic = stored;
  }
  // Zoom so that both sides reach what the pipeline asks for (see pipeline's decodeTarget).
  const zoom = atLeast
    ? Math.max(atLeast.width / intrinsic.width, atLeast.height / intrinsic.height)
    : 1;
  const tree = new Resvg(svg, {
    font: { loadSystemFonts: false },
    fitTo: { mode: "zoom", value: zoom },
  });
  try {
    const image = tree.render();
    try {
      // resvg renders into a premultiplied pixmap (tiny-skia); the pipeline works on straight RGBA.
      const rgba = unpremultiply({ width: image.width, height: image.height, data: image.pixels });
      return { ...rgba, delayMs: 0 };
    } finally {
      image.free();
    }
  } finally {
    tree.free();
  }
}

/**
 * The sanitised SVG (whose text starts with the root's start tag, attributes quoted with `"`)
 * with the root sized `size` and its drawing stretched to fill it.
 */
function withRootSize(
  svg: string,
  size: { width: number; height: number },
  intrinsic: { width: number; height: number },
): string {
  return svg.replace(/^<([^\s/>]+)([^>]*?)(\/?)>/, (_tag, name, attrs: string, close) => {
    const viewBox = / viewBox="/.test(attrs)
      ? ""
      : ` viewBox="0 0 ${intrinsic.width} ${intrinsic.height}"`;
    const kept = attrs.replace(/ (width|height|preserveAspectRatio)="[^"]*"/g, "");
    return `<${name}${kept}${viewBox} width="${size.width}" height="${size.height}" ` +
      `preserveAspectRatio="none"${close}>`;
  });
}
