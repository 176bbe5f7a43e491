import { BitWriter } from "./jpeg_bit_writer.ts";
import { emitBlock, type HuffmanTable } from "./jpeg_huffman.ts";
import { ZIGZAG } from "./jpeg_quant_tables.ts";

/**
 * The baseline JFIF file: headers, quantisation and Huffman tables, then one interleaved scan of
 * `blocks` quantised blocks in MCU order (2×`v` luma blocks, then Cb and Cr).
 */
export function writeJpegStream(
  width: number,
  height: number,
  v: number,
  lumaQ: Uint8Array,
  chromaQ: Uint8Array,
  [dcLuma, acLuma, dcChroma, acChroma]: HuffmanTable[],
  coefs: Int16Array,
  blocks: number,
): Uint8Array {
  const w = new BitWriter(Math.max(4096, coefs.length >> 2));
  w.bytes([0xff, 0xd8]);
  // JFIF 1.01, no units, 1:1 pixels, no thumbnail: what libjpeg writes.
  segment(w, 0xe0, [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  const dqt = [
    0,
    ...Array.from(ZIGZAG, (n) => lumaQ[n]),
    1,
    ...Array.from(ZIGZAG, (n) => chromaQ[n]),
  ];
  segment(w, 0xdb, dqt);
  // SOF0: precision, height, width, then id, sampling (h << 4 | v) and table per component.
  // deno-fmt-ignore
  segment(w, 0xc0, [
    8, height >> 8, height & 0xff, width >> 8, width & 0xff, 3,
    1, 0x20 | v, 0, 2, 0x11, 1, 3, 0x11, 1,
  ]);
  const dht: number[] = [];
  for (
    const [id, t] of [[0x00, dcLuma], [0x10, acLuma], [0x01, dcChroma], [0x11, acChroma]] as const
  ) {
    dht.push(id, ...t.bits, ...t.values);
  }
  segment(w, 0xc4, dht);
  segment(w, 0xda, [3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0]);
  let lastY = 0, lastCb = 0, lastCr = 0;
  for (let b = 0, at = 0; b < blocks; b++, at += 64) {
    // Worst case per block: 64 codes of 16 bits and values of 11, every byte stuffed.
    w.reserve(512);
    const k = b % (2 * v + 2);
    if (k < 2 * v) lastY = emitBlock(w, coefs, at, lastY, dcLuma, acLuma);
    else if (k === 2 * v) lastCb = emitBlock(w, coefs, at, lastCb, dcChroma, acChroma);
    else lastCr = emitBlock(w, coefs, at, lastCr, dcChroma, acChroma);
  }
  w.flush();
  w.bytes([0xff, 0xd9]);
  return w.buf.slice(0, w.at);
}

function segment(w: BitWriter, marker: number, payload: ArrayLike<number>) {
  const length = payload.length + 2;
  w.bytes([0xff, marker, length >> 8, length & 0xff]);
  w.bytes(payload);
}
