// The codecs: decode and encode per format (src/formats says which codec reads and writes
// which format), all wasm instances through one wrapper (wasm_module.ts), all pixels as Rgba.
export type { DecodedFrame, Rgba } from "./rgba.ts";
export { CodecInstance, emscripten } from "./wasm_module.ts";
export { decodeSource, type StoredFormat } from "./source_decode.ts";
export { decodePixels } from "./decode_pixels.ts";
export {
  type Decoded,
  decodeJpegTurbo,
  type Decoder,
  decoders,
  jpegScaledSize,
} from "./wasm_codecs.ts";
export { decodeAvif, decodeWebp, encodeMozjpeg } from "./squoosh_codecs.ts";
export { decodeHeic } from "./heic_codec.ts";
export { decodeBmp } from "./bmp_decode.ts";
export { decodeIcoBmp, largestIcoEntry } from "./ico.ts";
export { loadResvg, svgSize } from "./resvg.ts";
export { encodeAvif, encodeJpeg, encodePng, encodeWebp } from "./encoders.ts";
export { encodeGif } from "./gif_encode.ts";
export { exifFor, insertExif, readExif, stripMetadata } from "./jpeg_metadata.ts";
