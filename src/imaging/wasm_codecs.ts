// Sub-path imports on purpose: imagescript's main entry loads a native addon (FFI).
import jpegModule from "imagescript/wasm/node/jpeg.js";
import pngModule from "imagescript/wasm/node/png.js";
import gifModule from "imagescript/wasm/node/gif.js";
import type { RasterFormat } from "./sniff.ts";

/**
 * The shape of imagescript's CommonJS wasm wrappers (they ship no types). `init()` compiles the
 * module once and caches that internally, but every call, like `new()`, returns a new instance.
 */
type WasmCodec<T> = { init(): Promise<T>; "new"(): T };

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

/**
 * One cached instance per codec. A fresh instance per decode was measured and rejected: each
 * one regrows its memory from nothing (slower), and the garbage collector frees wasm memories
 * too late, so ten large JPEGs in a row peaked near 800 MB instead of about 230 MB.
 */
export class CodecSlot<T> {
  #instance: T | null = null;
  #ready: Promise<void> | null = null;

  constructor(private readonly codec: WasmCodec<T>) {}

  /** Compiles the wasm on first use; a failed load is retried next time, not cached. */
  load(): Promise<void> {
    this.#ready ??= this.codec.init().then(
      (instance) => {
        this.#instance ??= instance;
      },
      (error) => {
        this.#ready = null;
        throw error;
      },
    );
    return this.#ready;
  }

  /**
   * Runs synchronously, so uses never interleave. A failed decode can leave memory it never
   * freed, or a trapped allocator, behind: the instance is dropped and the next use gets a new
   * one.
   */
  run<R>(use: (instance: T) => R): R {
    const instance = this.#instance ?? (this.#instance = this.codec.new());
    try {
      return use(instance);
    } catch (error) {
      this.#instance = null;
      throw error;
    }
  }
}

export type Decoded = { width: number; height: number; frames: number };
export type Decoder = { load(): Promise<void>; decode(bytes: Uint8Array): Decoded };

/** The one instance per codec that ingest and transforms share (see CodecSlot). */
export const codecSlots = {
  jpeg: new CodecSlot(jpegModule as WasmCodec<JpegInstance>),
  png: new CodecSlot(pngModule as WasmCodec<PngInstance>),
  gif: new CodecSlot(gifModule as WasmCodec<GifInstance>),
};

function decoder<T>(slot: CodecSlot<T>, decode: (instance: T, bytes: Uint8Array) => Decoded) {
  return {
    load: () => slot.load(),
    decode: (bytes: Uint8Array) => slot.run((instance) => decode(instance, bytes)),
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
