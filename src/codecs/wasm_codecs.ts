// Sub-path imports on purpose: imagescript's main entry loads a native addon (FFI).
import jpegModule from "imagescript/wasm/node/jpeg.js";
import pngModule from "imagescript/wasm/node/png.js";
import gifModule from "imagescript/wasm/node/gif.js";
// Only the package's .wasm is used (its index.js instantiates at import); this puts the pinned
// package in the module graph, so that it is installed for compileWasm to read.
import "@cwasm/jpeg-turbo/package.json" with { type: "json" };
import type { RasterFormat } from "../imaging/mod.ts";
import { CodecInstance, type WasmWrapper, wrapperInstance } from "./wasm_module.ts";

export type JpegInstance = {
  decode(bytes: Uint8Array, width?: number, height?: number): {
    width: number;
    height: number;
    /** 0 = grey, 1 = RGB, 2 = CMYK */
    format: number;
    buffer: Uint8Array;
  };
};
export type PngInstance = {
  decode(bytes: Uint8Array): { width: number; height: number; framebuffer: Uint8Array };
};
export type GifFrame = {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Hundredths of a second, as stored in the file. */
  delay: number;
  /** GIF disposal method: 0/1 keep, 2 clear to transparent, 3 restore the previous canvas. */
  dispose: number;
  /** RGBA of the frame's own rectangle. */
  buffer: Uint8Array;
};
type GifDecoder = { width: number; height: number; frame(): GifFrame | null; free(): void };
export type GifInstance = { Decoder: new (bytes: Uint8Array) => GifDecoder };

export type Decoded = { width: number; height: number; frames: number };
export type Decoder = { load(): Promise<void>; decode(bytes: Uint8Array): Decoded };

/** The one instance per codec that ingest and transforms share (see CodecInstance). */
export const codecSlots = {
  jpeg: wrapperInstance(jpegModule as WasmWrapper<JpegInstance>),
  png: wrapperInstance(pngModule as WasmWrapper<PngInstance>),
  gif: wrapperInstance(gifModule as WasmWrapper<GifInstance>),
};

function decoder<T>(slot: CodecInstance<T>, decode: (instance: T, bytes: Uint8Array) => Decoded) {
  return {
    load: async () => {
      await slot.load();
    },
    decode: (bytes: Uint8Array) => slot.runLoaded((instance) => decode(instance, bytes)),
  };
}

/** Full decodes whose pixels are dropped: ingest only needs to know that they decode. */
export const decoders: Record<RasterFormat, Decoder> = {
  jpeg: decoder(codecSlots.jpeg, (jpeg, bytes) => {
    const { width, height } = jpeg.decode(bytes);
    return { width, height, frames: 1 };
  }),
  png: decoder(codecSlots.png, (png, bytes) => {
    const { width, height } = png.decode(bytes);
    return { width, height, frames: 1 };
  }),
  gif: decoder(codecSlots.gif, (gif, bytes) => {
    const gifDecoder = new gif.Decoder(bytes);
    let frames = 0;
    while (gifDecoder.frame() !== null) frames++;
    // The wrapper frees only on error; without this every GIF leaks its input into wasm memory.
    gifDecoder.free();
    return { width: gifDecoder.width, height: gifDecoder.height, frames };
  }),
};

/**
 * libjpeg-turbo's TurboJPEG API as built by @cwasm/jpeg-turbo (no SIMD, no threads). Its
 * Huffman decoder is about 1.5 times as fast as imagescript's, and it scales in the DCT by any
 * M/8, not only 1/2, 1/4 and 1/8.
 */
type TurboJpeg = {
  memory: WebAssembly.Memory;
  malloc(size: number): number;
  free(ptr: number): void;
  tjInitDecompress(): number;
  tjDestroy(handle: number): number;
  tjDecompressHeader3(
    handle: number,
    src: number,
    size: number,
    width: number,
    height: number,
    subsampling: number,
    colorspace: number,
  ): number;
  tjDecompress2(
    handle: number,
    src: number,
    size: number,
    dst: number,
    width: number,
    pitch: number,
    height: number,
    pixelFormat: number,
    flags: number,
  ): number;
};

const TJPF_RGBA = 7;
const TJCS_CMYK = 3, TJCS_YCCK = 4;
const WASI_EBADF = 8;

/**
 * libjpeg reports errors by longjmp, which this build leaves to its host: throwing unwinds the
 * wasm stack without restoring its stack pointer, so the instance is dropped after any throw
 * (CodecInstance does that). Nothing here writes to a file or reads the environment.
 */
function turboImports(memory: () => WebAssembly.Memory): WebAssembly.Imports {
  const fail = () => {
    throw new Error("jpeg-turbo: the decoder failed");
  };
  return {
    env: { setjmp: () => 0, longjmp: fail },
    wasi_snapshot_preview1: {
      environ_sizes_get(count: number, size: number) {
        const view = new DataView(memory().buffer);
        view.setUint32(count, 0, true);
        view.setUint32(size, 0, true);
        return 0;
      },
      environ_get: () => 0,
      fd_close: () => WASI_EBADF,
      fd_seek: () => WASI_EBADF,
      fd_write: () => WASI_EBADF,
      proc_exit: fail,
    },
  };
}

/** The instance's exports, checked against TurboJpeg: a different build fails here, not later. */
function turboExports(exports: WebAssembly.Exports): TurboJpeg {
  const { memory } = exports;
  if (!(memory instanceof WebAssembly.Memory)) throw new Error("jpeg-turbo: no memory export");
  const fn = (name: string) => {
    const f = exports[name];
    if (typeof f !== "function") throw new Error(`jpeg-turbo: no ${name} export`);
    return f as (...args: number[]) => number;
  };
  return {
    memory,
    malloc: fn("malloc"),
    free: fn("free"),
    tjInitDecompress: fn("tjInitDecompress"),
    tjDestroy: fn("tjDestroy"),
    tjDecompressHeader3: fn("tjDecompressHeader3"),
    tjDecompress2: fn("tjDecompress2"),
  };
}

const turboJpeg = new CodecInstance("@cwasm/jpeg-turbo/jpeg-turbo.wasm", (module) => {
  let exports: TurboJpeg | null = null;
  const instance = new WebAssembly.Instance(module, turboImports(() => exports!.memory));
  return exports = turboExports(instance.exports);
});

/** Scaling factors TurboJPEG tries, largest first (libjpeg-turbo 2.0's turbojpeg.c). */
const TJ_FACTORS: [number, number][] = [
  [2, 1],
  [15, 8],
  [7, 4],
  [13, 8],
  [3, 2],
  [11, 8],
  [5, 4],
  [9, 8],
  [1, 1],
  [7, 8],
  [3, 4],
  [5, 8],
  [1, 2],
  [3, 8],
  [1, 4],
  [1, 8],
];
const scaled = (size: number, [num, denom]: [number, number]) =>
  Math.floor((size * num + denom - 1) / denom);

/**
 * The size libjpeg-turbo decodes a `width`×`height` JPEG at: the smallest M/8 (M = 1…8) whose
 * result still covers `atLeast` on both sides, so that what follows only ever shrinks. Full size
 * without `atLeast`.
 */
export function jpegScaledSize(
  width: number,
  height: number,
  atLeast?: { width: number; height: number },
): { width: number; height: number } {
  if (!atLeast) return { width, height };
  for (let m = 1; m <= 8; m++) {
    const w = scaled(width, [m, 8]), h = scaled(height, [m, 8]);
    // TurboJPEG picks the largest factor that fits the size it is given; pass exactly this one.
    if (w >= atLeast.width && h >= atLeast.height) {
      const f = TJ_FACTORS.find((sf) => scaled(width, sf) <= w && scaled(height, sf) <= h)!;
      return { width: scaled(width, f), height: scaled(height, f) };
    }
  }
  return { width, height };
}

/**
 * Decodes a JPEG with libjpeg-turbo straight to RGBA, scaled in the DCT (jpegScaledSize). Null
 * for what this build does not turn into RGB (CMYK and YCCK), for a sampling layout its header
 * reader does not know and for data it only decoded with warnings; the caller then uses
 * imagescript's decoder. Throws what the codec throws.
 */
export function decodeJpegTurbo(
  bytes: Uint8Array,
  atLeast?: { width: number; height: number },
): Promise<{ width: number; height: number; data: Uint8Array } | null> {
  // No try/finally: after a throw the instance is dropped whole, and must not be called again.
  return turboJpeg.run((tj) => {
    const src = tj.malloc(bytes.length);
    const header = tj.malloc(16);
    const handle = tj.tjInitDecompress();
    if (src === 0 || header === 0 || handle === 0) throw new Error("jpeg-turbo: out of memory");
    new Uint8Array(tj.memory.buffer, src, bytes.length).set(bytes);
    const done = <T>(result: T) => {
      tj.tjDestroy(handle);
      tj.free(header);
      tj.free(src);
      return result;
    };
    const read = tj.tjDecompressHeader3(
      handle,
      src,
      bytes.length,
      header,
      header + 4,
      header + 8,
      header + 12,
    );
    if (read !== 0) return done(null);
    const [width, height, , colorspace] = new Int32Array(tj.memory.buffer, header, 4);
    if (colorspace === TJCS_CMYK || colorspace === TJCS_YCCK) return done(null);
    const size = jpegScaledSize(width, height, atLeast);
    const length = size.width * size.height * 4;
    const dst = tj.malloc(length);
    if (dst === 0) throw new Error("jpeg-turbo: out of memory");
    const status = tj.tjDecompress2(
      handle,
      src,
      bytes.length,
      dst,
      size.width,
      0,
      size.height,
      TJPF_RGBA,
      0,
    );
    // -1 without a throw: libjpeg only warned (corrupt data it worked around, most often).
    // Such a file is left to the decoder that ingest validated it with.
    if (status !== 0) {
      tj.free(dst);
      return done(null);
    }
    const data = new Uint8Array(tj.memory.buffer, dst, length).slice();
    tj.free(dst);
    return done({ ...size, data });
  });
}
