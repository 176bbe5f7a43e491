// The codecs: decode and encode per format (src/formats says which codec reads and writes
// which format), all wasm instances through one wrapper (wasm_module.ts), all pixels as Rgba.
export type { DecodedFrame, Rgba } from "./rgba.ts";
export { CodecInstance, emscripten } from "./wasm_module.ts";
export type { StoredId as StoredFormat } from "../formats/mod.ts";
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
// Below the codecs: byte readers, the headers the decoders parse, and the refusals they raise.
export { concat, hasAscii, u16be, u16le, u32be, u32le } from "./bytes.ts";
export { BI_RLE4, BI_RLE8, type BmpHeader, readBmpHeader } from "./bmp_header.ts";
export { type JpegSegment, jpegSegments } from "./jpeg_segments.ts";
export {
  asInvalid,
  codecUnavailable,
  emptyFile,
  imageTooLarge,
  invalidImage,
  svgTooLarge,
  unsupportedFormat,
} from "./errors.ts";
export { latin1 } from "./bytes.ts";
