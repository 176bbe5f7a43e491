/**
 * Test images in the formats the fixtures lack, made with real encoders (libwebp, libavif,
 * the PNG codec, bmp-ts) or, where no encoder exists in the dependencies (ICO, animated WebP,
 * unusual BMP variants), assembled byte by byte from encoded parts.
 */
import * as bmpTs from "bmp-ts";
import { Buffer } from "node:buffer";
import webpEncFactory from "@jsquash/webp/codec/enc/webp_enc.js";
import { defaultOptions as webpDefaults } from "@jsquash/webp/meta.js";
import avifEncFactory from "@jsquash/avif/codec/enc/avif_enc.js";
import { defaultOptions as avifDefaults } from "@jsquash/avif/meta.js";
import { concat } from "../../src/codecs/bytes.ts";
import { CodecInstance, emscripten, encodePng, type Rgba } from "../../src/codecs/mod.ts";

type Encoder = {
  encode(data: Uint8Array, w: number, h: number, options: Record<string, unknown>): Uint8Array;
};
const webpEnc = new CodecInstance<Encoder>(
  "@jsquash/webp/codec/enc/webp_enc.wasm",
  emscripten(webpEncFactory),
);
const avifEnc = new CodecInstance<Encoder>(
  "@jsquash/avif/codec/enc/avif_enc.wasm",
  emscripten(avifEncFactory),
);

/** A smooth gradient, so lossy encoders keep it recognisable; alpha fades left to right. */
export function gradient(width: number, height: number, withAlpha = false): Rgba {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      data.set(
        [(x * 255) / width, (y * 255) / height, 128, withAlpha ? (x * 255) / width : 255],
        o,
      );
    }
  }
  return { width, height, data };
}

const bytesOf = (data: Rgba["data"]) => new Uint8Array(data.buffer, data.byteOffset, data.length);

export function webp(image: Rgba, options: { lossless?: boolean } = {}): Promise<Uint8Array> {
  const opts = { ...webpDefaults, quality: 80, lossless: options.lossless ? 1 : 0 };
  return webpEnc.run((e) => e.encode(bytesOf(image.data), image.width, image.height, opts).slice());
}

export function avif(image: Rgba): Promise<Uint8Array> {
  const opts = { ...avifDefaults, speed: 10, quality: 60 };
  return avifEnc.run((e) => e.encode(bytesOf(image.data), image.width, image.height, opts).slice());
}

export const png = (image: Rgba): Promise<Uint8Array> => encodePng(image);

/** bmp-ts's encoder (24 or 32 bits, bottom-up), fed ABGR as it expects. */
export function bmpFromBmpTs(image: Rgba, bitPP: 24 | 32): Uint8Array {
  const abgr = Buffer.alloc(image.width * image.height * 4);
  for (let i = 0; i < abgr.length; i += 4) {
    abgr.set([image.data[i + 3], image.data[i + 2], image.data[i + 1], image.data[i]], i);
  }
  return new Uint8Array(bmpTs.encode({ ...image, data: abgr, bitPP }).data);
}

/** A BMP of any layout: `dib` is the DIB header after its size field; `pixels` go as given. */
export function bmpFile(parts: { dib: number[]; extra?: number[]; pixels: Uint8Array }) {
  const dibSize = 4 + parts.dib.length;
  const offset = 14 + dibSize + (parts.extra?.length ?? 0);
  const out = new Uint8Array(offset + parts.pixels.length);
  const view = new DataView(out.buffer);
  out.set([0x42, 0x4d]);
  view.setUint32(2, out.length, true);
  view.setUint32(10, offset, true);
  view.setUint32(14, dibSize, true);
  out.set(parts.dib, 18);
  out.set(parts.extra ?? [], 14 + dibSize);
  out.set(parts.pixels, offset);
  return out;
}

/** BITMAPINFOHEADER fields after the size: width, height, planes, bpp, compression, … */
export function infoHeader(width: number, height: number, bpp: number, compression = 0) {
  const b = new Uint8Array(36);
  const view = new DataView(b.buffer);
  view.setInt32(0, width, true);
  view.setInt32(4, height, true);
  view.setUint16(8, 1, true);
  view.setUint16(10, bpp, true);
  view.setUint32(12, compression, true);
  return [...b];
}

export type IcoPart = { width: number; height: number; bpp: number; data: Uint8Array };

/** An icon whose directory lists `parts` in order (each a PNG file or a DIB with AND mask). */
export function icoFile(parts: IcoPart[], directorySizes?: [number, number][]): Uint8Array {
  const header = 6 + 16 * parts.length;
  const out = new Uint8Array(header + parts.reduce((n, p) => n + p.data.length, 0));
  const view = new DataView(out.buffer);
  view.setUint16(2, 1, true);
  view.setUint16(4, parts.length, true);
  let offset = header;
  parts.forEach((p, i) => {
    const e = 6 + i * 16;
    const [w, h] = directorySizes?.[i] ?? [p.width, p.height];
    out[e] = w & 0xff;
    out[e + 1] = h & 0xff;
    view.setUint16(e + 4, 1, true);
    view.setUint16(e + 6, p.bpp, true);
    view.setUint32(e + 8, p.data.length, true);
    view.setUint32(e + 12, offset, true);
    out.set(p.data, offset);
    offset += p.data.length;
  });
  return out;
}

/** A 32-bit DIB for an icon: BGRA rows bottom-up, then an all-zero (opaque) AND mask. */
export function icoDib(image: Rgba): Uint8Array {
  const { width, height } = image;
  const maskStride = Math.ceil(width / 32) * 4;
  const out = new Uint8Array(40 + width * height * 4 + maskStride * height);
  const view = new DataView(out.buffer);
  view.setUint32(0, 40, true);
  view.setInt32(4, width, true);
  view.setInt32(8, height * 2, true);
  view.setUint16(12, 1, true);
  view.setUint16(14, 32, true);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const s = ((height - 1 - y) * width + x) * 4, d = 40 + (y * width + x) * 4;
      out.set([image.data[s + 2], image.data[s + 1], image.data[s], image.data[s + 3]], d);
    }
  }
  return out;
}

const riffChunk = (type: string, data: Uint8Array) => {
  const out = new Uint8Array(8 + data.length + (data.length & 1));
  out.set([...type].map((c) => c.charCodeAt(0)));
  new DataView(out.buffer).setUint32(4, data.length, true);
  out.set(data, 8);
  return out;
};
const u24 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff];

/** The chunks after "WEBP" of a still WebP (its VP8/VP8L, with ALPH if any; no VP8X). */
function imageChunks(still: Uint8Array): Uint8Array {
  const kept: Uint8Array[] = [];
  for (let o = 12; o + 8 <= still.length;) {
    const length = new DataView(still.buffer, still.byteOffset).getUint32(o + 4, true);
    const type = String.fromCharCode(...still.subarray(o, o + 4));
    const end = o + 8 + length + (length & 1);
    if (type === "VP8 " || type === "VP8L" || type === "ALPH") kept.push(still.subarray(o, end));
    o = end;
  }
  return concat(kept);
}

/** An animation (VP8X + ANIM + one ANMF per still), as libwebp's muxer lays it out. */
export function animatedWebp(stills: Uint8Array[], width: number, height: number): Uint8Array {
  const vp8x = new Uint8Array([0x12, 0, 0, 0, ...u24(width - 1), ...u24(height - 1)]);
  const anim = new Uint8Array(6);
  const frames = stills.map((still) =>
    riffChunk(
      "ANMF",
      concat([
        new Uint8Array([0, 0, 0, 0, 0, 0, ...u24(width - 1), ...u24(height - 1), 100, 0, 0, 0]),
        imageChunks(still),
      ]),
    )
  );
  const body = concat([riffChunk("VP8X", vp8x), riffChunk("ANIM", anim), ...frames]);
  const out = concat([new TextEncoder().encode("RIFF    WEBP"), body]);
  new DataView(out.buffer).setUint32(4, out.length - 8, true);
  return out;
}
