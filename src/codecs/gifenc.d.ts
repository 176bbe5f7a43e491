// The part of gifenc (which ships no types) that gif_encode.ts uses; the package's CommonJS
// default export is its module object.

/** RGB or RGBA colours, 0–255 each. */
export type Palette = number[][];

export type GifFrameOptions = {
  palette: Palette;
  delay?: number;
  transparent?: boolean;
  transparentIndex?: number;
  dispose?: number;
  repeat?: number;
};

export type GifWriter = {
  writeFrame(index: Uint8Array, width: number, height: number, opts: GifFrameOptions): void;
  finish(): void;
  bytes(): Uint8Array;
};

declare const gifenc: {
  GIFEncoder(): GifWriter;
  quantize(rgba: Uint8Array, max: number, opts: Record<string, unknown>): Palette;
  applyPalette(rgba: Uint8Array, palette: Palette, format: string): Uint8Array;
};
export default gifenc;
