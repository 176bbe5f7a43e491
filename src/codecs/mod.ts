// The codecs: decode and encode per format (src/formats says which codec reads and writes
// which format), all wasm instances through one wrapper (wasm_module.ts), all pixels as Rgba.
export { asRgba, type DecodedFrame, type Rgba } from "./rgba.ts";
export { CodecInstance, compileWasm, emscripten } from "./wasm_module.ts";
export { decodeSource, type SourceOptions, type StoredFormat } from "./source_decode.ts";
export { type DecodeOptions, decodePixels } from "./decode_pixels.ts";
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
export { decodeIcoBmp, type IcoEntry, largestIcoEntry } from "./ico.ts";
export { loadResvg, svgSize } from "./resvg.ts";
export { encodeAvif, encodeJpeg, encodePng, encodeWebp } from "./encoders.ts";
export { type Subsampling } from "./jpeg_encode.ts";
export { encodeGif } from "./gif_encode.ts";
export { exifFor, insertExif, readExif, stripMetadata } from "./jpeg_metadata.ts";
