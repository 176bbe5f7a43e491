import type { Rgba } from "./rgba.ts";
import { divisors, transformAll } from "./jpeg_dct.ts";
import { optimalTable } from "./jpeg_huffman.ts";
import { quantTables } from "./jpeg_quant_tables.ts";
import { writeJpegStream } from "./jpeg_stream.ts";
import { toYCbCr } from "./jpeg_ycbcr.ts";

/** Chroma subsampling: 4:2:0 halves chroma both ways (the default), 4:2:2 only across. */
export type Subsampling = "4:2:0" | "4:2:2";

/**
 * Baseline JPEG encoder in TypeScript: YCbCr, the IJG quality scale on the standard (Annex K)
 * quantisation tables, a float AAN forward DCT and Huffman tables optimised for each image. With
 * 4:2:0 that is libjpeg's default output with optimize_coding, which is what sharp writes by
 * default: the same size and PSNR at the same quality. (mozjpeg as built by @jsquash always
 * runs trellis quantisation, which its options cannot turn off; it was the slowest step of a
 * resize, at three times this one's time.) Alpha is ignored: the pipeline flattens before JPEG.
 *
 * The same pixels, quality and subsampling always give the same bytes. This is the engine's
 * JPEG encoder; ingest's HEIC conversion alone keeps mozjpeg (squoosh_codecs.ts encodeMozjpeg).
 */
export function encodeJpeg(
  img: Rgba,
  quality: number,
  subsampling: Subsampling = "4:2:0",
): Uint8Array {
  const { width, height } = img;
  /** Luma blocks per MCU row: 2 for 4:2:0 (16×16 MCUs), 1 for 4:2:2 (16×8). */
  const v = subsampling === "4:2:0" ? 2 : 1;
  if (width < 1 || height < 1 || width > 0xffff || height > 0xffff) {
    throw new RangeError(`a JPEG cannot be ${width}x${height}`);
  }
  const q = Math.max(1, Math.min(100, Math.round(quality)));
  const { luma: lumaQ, chroma: chromaQ } = quantTables(q);
  const planes = toYCbCr(img, v);
  const mcuCols = planes.yWidth >> 4, mcuRows = planes.yHeight / (8 * v);
  const blocks = mcuCols * mcuRows * (2 * v + 2);
  const coefs = new Int16Array(blocks * 64);
  const stats = [
    new Int32Array(257),
    new Int32Array(257),
    new Int32Array(257),
    new Int32Array(257),
  ];
  transformAll(planes, mcuCols, mcuRows, v, divisors(lumaQ), divisors(chromaQ), coefs, stats);
  const tables = stats.map(optimalTable);
  return writeJpegStream(width, height, v, lumaQ, chromaQ, tables, coefs, blocks);
}
