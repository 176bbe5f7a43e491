import { FORMATS } from "../formats/mod.ts";
import { codecUnavailable, invalidImage } from "../codecs/mod.ts";
import { swapsAxes } from "./exif_orientation.ts";
import { readHeader } from "./header.ts";
import { checkLimits, type ImageLimits } from "./limits.ts";
import type { RasterFormat } from "./sniff.ts";
import {
  type Decoded,
  decodeJpegTurbo,
  type Decoder,
  decoders,
  jpegScaledSize,
} from "../codecs/mod.ts";

export type RasterInfo = {
  format: RasterFormat;
  extension: (typeof FORMATS)[RasterFormat]["extension"];
  mime: string;
  /** As displayed: after EXIF orientation 5–8, width and height are swapped. */
  width: number;
  height: number;
  frames: number;
  /** EXIF orientation 1–8, still to be applied to the decoded pixels; 1 when absent. */
  orientation: number;
};

/** Limits from SPEC §4; pass `config.limits` to use the configured values. */
export type InspectLimits = ImageLimits;

/**
 * Checks the header against the limits, then decodes every pixel (and every GIF frame) so that a
 * corrupt or truncated upload is refused at ingest rather than at its first transform.
 * Throws AppError: invalid_image, image_too_large, or internal_error if a codec cannot load.
 */
export async function inspectRaster(
  bytes: Uint8Array,
  format: RasterFormat,
  limits: InspectLimits = {},
): Promise<RasterInfo> {
  const header = readHeader(bytes, format);
  const { width, height, frames } = header;
  checkLimits(header, limits);

  if (!(format === "jpeg" && await validScaledJpeg(bytes, width, height))) {
    const decoder = decoders[format];
    await load(decoder);
    const decoded = decodeOrThrow(decoder, bytes, format);
    // Disagreement (a zero size included) means a crafted file that our walk and the decoder
    // read differently; the limits above would not have held for what the decoder saw.
    if (decoded.width !== width || decoded.height !== height || decoded.frames !== frames) {
      throw invalidImage(format, "its headers contradict its image data");
    }
  }

  const swap = swapsAxes(header.orientation);
  return {
    format,
    extension: FORMATS[format].extension,
    mime: FORMATS[format].mime,
    width: swap ? height : width,
    height: swap ? width : height,
    frames,
    orientation: header.orientation,
  };
}

/**
 * A JPEG is validated at 1/8 of its size in the DCT: libjpeg-turbo still reads every byte of its
 * entropy-coded data, but holds 1/64 of the pixels (a 49 MP JPEG: ~3 MB instead of ~370 MB).
 * True only for a clean decode at the size our header walk predicts; anything else (CMYK, a
 * warning such as truncated data, another size, a throw) is left to the full decode, as before.
 */
async function validScaledJpeg(bytes: Uint8Array, width: number, height: number) {
  const expected = jpegScaledSize(width, height, { width: 1, height: 1 });
  const out = await decodeJpegTurbo(bytes, { width: 1, height: 1 }).catch(() => null);
  return out !== null && out.width === expected.width && out.height === expected.height;
}

async function load(decoder: Decoder): Promise<void> {
  try {
    await decoder.load();
  } catch (cause) {
    throw codecUnavailable(cause);
  }
}

function decodeOrThrow(
  decoder: Decoder,
  bytes: Uint8Array,
  format: RasterFormat,
): Decoded {
  try {
    return decoder.decode(bytes);
  } catch (cause) {
    // Wasm failures arrive as Errors, RuntimeError traps, strings or bare objects alike.
    throw invalidImage(format, "the image data is corrupt or truncated", cause);
  }
}
