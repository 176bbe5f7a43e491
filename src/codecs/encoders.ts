// The Emscripten factories, not the packages' default entries: those keep one module-wide
// instance that cannot be dropped after a trap (the same choice as squoosh_codecs.ts).
import avifEncFactory from "@jsquash/avif/codec/enc/avif_enc.js";
import { defaultOptions as avifDefaults } from "@jsquash/avif/meta.js";
import webpEncFactory from "@jsquash/webp/codec/enc/webp_enc_simd.js";
import { defaultOptions as webpDefaults } from "@jsquash/webp/meta.js";
import type { Rgba } from "./rgba.ts";
import { encodePng as squooshPng } from "./squoosh_codecs.ts";
import { CodecInstance, emscripten } from "./wasm_module.ts";

type Encoder = {
  encode(
    data: Uint8Array | Uint8ClampedArray,
    width: number,
    height: number,
    options: Record<string, unknown>,
  ): Uint8Array | null;
};

// SIMD roughly halves libwebp's encode time; every runtime we target (V8) has it.
const webpEnc = new CodecInstance(
  "@jsquash/webp/codec/enc/webp_enc_simd.wasm",
  emscripten<Encoder>(webpEncFactory),
);
// The single-threaded build: no workers on the request path (DESIGN "Imaging").
const avifEnc = new CodecInstance(
  "@jsquash/avif/codec/enc/avif_enc.wasm",
  emscripten<Encoder>(avifEncFactory),
);

function run(codec: CodecInstance<Encoder>, img: Rgba, options: Record<string, unknown>) {
  return codec.run((c) => {
    const out = c.encode(img.data, img.width, img.height, options);
    if (!out) throw new Error("the encoder returned nothing");
    // The result is a view into wasm memory that the next call overwrites.
    return out.slice();
  });
}

/**
 * Baseline 4:2:0 with optimised Huffman tables, in TypeScript (jpeg_encode.ts): what sharp writes
 * at the same quality, in about a third of the time mozjpeg took. Opaque input.
 */
export { encodeJpeg } from "./jpeg_encode.ts";

export function encodeWebp(img: Rgba, quality: number): Promise<Uint8Array> {
  return run(webpEnc, img, { ...webpDefaults, quality, method: 4 });
}

/** Speed 8 of 10: AVIF is by far the slowest encoder, and this is run after resizing. */
export function encodeAvif(img: Rgba, quality: number): Promise<Uint8Array> {
  return run(avifEnc, img, { ...avifDefaults, quality, speed: 8 });
}

export function encodePng(img: Rgba): Promise<Uint8Array> {
  return squooshPng(img);
}
