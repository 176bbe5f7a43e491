import { type DecodedFrame, decodePixels } from "../imaging/decode_pixels.ts";
import { loadResvg } from "../imaging/resvg.ts";
import { decodeAvif, decodeWebp } from "../imaging/squoosh_codecs.ts";
import { unpremultiply } from "./alpha.ts";

/** Every stored format (SPEC §2): HEIC, BMP and ICO were converted at ingest. */
export type StoredFormat = "jpeg" | "png" | "gif" | "webp" | "avif" | "svg";

export type SourceOptions = {
  /** The smallest size the pipeline needs (stored orientation); JPEG and SVG use it. */
  atLeast?: { width: number; height: number };
  allFrames?: boolean;
};

/**
 * Decodes a stored original to RGBA frames. JPEG, PNG and GIF go through imaging's
 * imagescript decoders, WebP and AVIF through its jSquash decoders, and SVG is rasterised
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

function still(img: { width: number; height: number; data: Uint8Array | Uint8ClampedArray }) {
  const data = img.data instanceof Uint8Array
    ? img.data
    : new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.length);
  return { width: img.width, height: img.height, data, delayMs: 0 };
}

async function rasterise(
  svg: Uint8Array,
  atLeast?: { width: number; height: number },
): Promise<DecodedFrame> {
  const Resvg = await loadResvg();
  const probe = new Resvg(svg, { font: { loadSystemFonts: false } });
  const intrinsic = { width: probe.width, height: probe.height };
  probe.free();
  // Zoom so that both sides reach what the pipeline needs; it then only ever shrinks.
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
