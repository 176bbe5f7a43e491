// @ts-types="./gifenc.d.ts"
import gifenc from "gifenc";
import type { DecodedFrame } from "./rgba.ts";

/** GIF's "restore to background": the next frame starts from a clear canvas. */
const DISPOSE_CLEAR = 2;

/**
 * Every frame whole, with its own palette and its delay. The frames are already composited, so
 * each one is drawn on a cleared canvas: transparent pixels stay transparent instead of letting
 * the previous frame show through.
 */
export function encodeGif(frames: DecodedFrame[]): Uint8Array {
  const gif = gifenc.GIFEncoder();
  const animated = frames.length > 1;
  for (const frame of frames) {
    const palette = gifenc.quantize(frame.data, 256, { format: "rgba4444", oneBitAlpha: true });
    const index = gifenc.applyPalette(frame.data, palette, "rgba4444");
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
