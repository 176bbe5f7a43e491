import gifenc from "gifenc";
import type { DecodedFrame } from "./decode_pixels.ts";

type Palette = number[][];
type Gif = {
  writeFrame(
    index: Uint8Array,
    width: number,
    height: number,
    opts: {
      palette: Palette;
      delay?: number;
      transparent?: boolean;
      transparentIndex?: number;
      dispose?: number;
      repeat?: number;
    },
  ): void;
  finish(): void;
  bytes(): Uint8Array;
};
const lib = gifenc as unknown as {
  GIFEncoder(): Gif;
  quantize(rgba: Uint8Array, max: number, opts: Record<string, unknown>): Palette;
  applyPalette(rgba: Uint8Array, palette: Palette, format: string): Uint8Array;
};

/** GIF's "restore to background": the next frame starts from a clear canvas. */
const DISPOSE_CLEAR = 2;

/**
 * Every frame whole, with its own palette and its delay. The frames are already composited, so
 * each one is drawn on a cleared canvas: transparent pixels stay transparent instead of letting
 * the previous frame show through.
 */
export function encodeGif(frames: DecodedFrame[]): Uint8Array {
  const gif = lib.GIFEncoder();
  const animated = frames.length > 1;
  for (const frame of frames) {
    const palette = lib.quantize(frame.data, 256, { format: "rgba4444", oneBitAlpha: true });
    const index = lib.applyPalette(frame.data, palette, "rgba4444");
    const transparentIndex = palette.findIndex((c) => c[3] === 0);
    gif.writeFrame(index, frame.width, frame.height, {
      palette,
      delay: frame.delayMs,
      ...(transparentIndex >= 0 ? { transparent: true, transparentIndex } : {}),
      ...(animated ? { dispose: DISPOSE_CLEAR, repeat: 0 } : {}),
    });
  }
  gif.finish();
  return gif.bytes();
}
