// The Emscripten factories themselves, not the packages' default entries: those keep one
// module-wide instance that fetches its wasm on first use, and could not be dropped after a trap.
import webpDecFactory from "@jsquash/webp/codec/dec/webp_dec.js";
import avifDecFactory from "@jsquash/avif/codec/dec/avif_dec.js";
import jpegEncFactory from "@jsquash/jpeg/codec/enc/mozjpeg_enc.js";
import { defaultOptions as jpegDefaults } from "@jsquash/jpeg/meta.js";
import {
  encode as pngEncodeWasm,
  initSync as initPng,
} from "@jsquash/png/codec/pkg/squoosh_png.js";
import { asRgba, type Rgba } from "./rgba.ts";
import { CodecInstance, emscripten } from "./wasm_module.ts";

/** jSquash's decoders return ImageData-like RGBA. */
type ImageDataLike = { width: number; height: number; data: Uint8ClampedArray };
type WebpModule = { decode(data: Uint8Array): ImageDataLike | null };
type AvifModule = { decode(data: Uint8Array, bitDepth: 8): ImageDataLike | null };
type JpegEncModule = {
  encode(
    data: Uint8Array | Uint8ClampedArray,
    w: number,
    h: number,
    options: Record<string, unknown>,
  ): Uint8Array;
};

const webpDec = new CodecInstance<WebpModule>(
  "@jsquash/webp/codec/dec/webp_dec.wasm",
  emscripten(webpDecFactory),
);
const avifDec = new CodecInstance<AvifModule>(
  "@jsquash/avif/codec/dec/avif_dec.wasm",
  emscripten(avifDecFactory),
);
const jpegEnc = new CodecInstance<JpegEncModule>(
  "@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm",
  emscripten(jpegEncFactory),
);
// wasm-bindgen keeps one module-wide instance; init() is a no-op after the first call.
const pngEnc = new CodecInstance<typeof pngEncodeWasm>(
  "@jsquash/png/codec/pkg/squoosh_png_bg.wasm",
  (module) => {
    initPng(module);
    return pngEncodeWasm;
  },
);

/** Throws on undecodable input (the caller turns that into invalid_image). */
export function decodeWebp(bytes: Uint8Array): Promise<Rgba> {
  return webpDec.run((codec) => asRgba(codec.decode(bytes) ?? fail("libwebp could not decode it")));
}

/** The primary image (or the first frame of a sequence), 8 bits per channel. */
export function decodeAvif(bytes: Uint8Array): Promise<Rgba> {
  return avifDec.run((codec) =>
    asRgba(codec.decode(bytes, 8) ?? fail("libavif could not decode it"))
  );
}

/**
 * Baseline mozjpeg at quality 90, for ingest's HEIC → JPEG only: HEIC is a camera format, so the
 * JPEG that replaces it should keep a photo's detail; baseline encodes about twice as fast as
 * progressive. (The engine's encoder is jpeg_encode.ts; this one stays so that a stored
 * original's bytes do not change.)
 */
export function encodeMozjpeg(image: Rgba): Promise<Uint8Array> {
  return jpegEnc.run((codec) =>
    codec.encode(image.data, image.width, image.height, {
      ...jpegDefaults,
      quality: 90,
      baseline: true,
      progressive: false,
    }).slice()
  );
}

export function encodePng(image: Rgba): Promise<Uint8Array> {
  return pngEnc.run((encode) => {
    const data = new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength);
    return encode(data, image.width, image.height, 8);
  });
}

function fail(reason: string): never {
  throw new Error(reason);
}
