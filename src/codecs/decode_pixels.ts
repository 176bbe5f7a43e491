import type { RasterFormat } from "../imaging/mod.ts";
import type { DecodedFrame, Rgba } from "./rgba.ts";
import { codecSlots, decodeJpegTurbo, type GifFrame } from "./wasm_codecs.ts";

export type DecodeOptions = {
  /**
   * JPEG only: the smallest size the caller needs. The decoder then scales by M/8 in the DCT,
   * the cheapest downsizing there is, while staying at least this large.
   */
  atLeast?: { width: number; height: number };
  /** GIF only: decode every frame (otherwise only the first). */
  allFrames?: boolean;
};

/**
 * Full decode of a stored original into RGBA frames. Throws whatever the codec throws; the
 * bytes were validated at ingest, so a failure here is the server's, not the caller's.
 */
export async function decodePixels(
  bytes: Uint8Array,
  format: RasterFormat,
  opts: DecodeOptions = {},
): Promise<DecodedFrame[]> {
  if (format === "jpeg") {
    const turbo = await decodeJpegTurbo(bytes, opts.atLeast).catch(() => null);
    if (turbo) return [{ ...turbo, delayMs: 0 }];
  }
  const slot = codecSlots[format];
  await slot.load();
  switch (format) {
    case "jpeg":
      // CMYK, a sampling layout libjpeg-turbo's header reader refuses, or any failure there:
      // imagescript's decoder (1/2, 1/4 or 1/8 in the DCT) is the one ingest validated with.
      return [codecSlots.jpeg.runLoaded((jpeg) => {
        const want = opts.atLeast;
        const out = want
          ? jpeg.decode(bytes, Math.max(1, want.width), Math.max(1, want.height))
          : jpeg.decode(bytes);
        return { ...jpegToRgba(out.buffer, out.width, out.height, out.format), delayMs: 0 };
      })];
    case "png":
      return [codecSlots.png.runLoaded((png) => {
        const out = png.decode(bytes);
        return { width: out.width, height: out.height, data: out.framebuffer, delayMs: 0 };
      })];
    case "gif":
      return codecSlots.gif.runLoaded((gif) => {
        const decoder = new gif.Decoder(bytes);
        try {
          return composite(decoder.width, decoder.height, () => decoder.frame(), opts.allFrames);
        } finally {
          decoder.free();
        }
      });
  }
}

function jpegToRgba(src: Uint8Array, width: number, height: number, format: number): Rgba {
  const n = width * height;
  const data = new Uint8Array(n * 4);
  if (format === 0) {
    for (let i = 0, o = 0; i < n; i++, o += 4) {
      data[o] = data[o + 1] = data[o + 2] = src[i];
      data[o + 3] = 255;
    }
  } else if (format === 1) {
    for (let i = 0, s = 0, o = 0; i < n; i++, s += 3, o += 4) {
      data[o] = src[s];
      data[o + 1] = src[s + 1];
      data[o + 2] = src[s + 2];
      data[o + 3] = 255;
    }
  } else {
    // The decoder hands back inverted (Adobe) CMYK; K scales each channel.
    for (let i = 0, o = 0; i < n; i++, o += 4) {
      const k = src[o + 3];
      data[o] = (k * src[o]) / 255;
      data[o + 1] = (k * src[o + 1]) / 255;
      data[o + 2] = (k * src[o + 2]) / 255;
      data[o + 3] = 255;
    }
  }
  return { width, height, data };
}

/**
 * GIF frames are patches over a logical screen with a disposal rule each; the pipeline and the
 * other encoders need whole pictures, so every frame is drawn onto the canvas as a viewer would.
 */
function composite(
  width: number,
  height: number,
  next: () => GifFrame | null,
  allFrames = false,
): DecodedFrame[] {
  const canvas = new Uint8Array(width * height * 4);
  const frames: DecodedFrame[] = [];
  for (let frame = next(); frame !== null; frame = next()) {
    const saved = frame.dispose === 3 ? canvas.slice() : null;
    draw(canvas, width, height, frame);
    frames.push({ width, height, data: canvas.slice(), delayMs: frame.delay * 10 });
    if (!allFrames) break;
    if (frame.dispose === 2) clear(canvas, width, height, frame);
    else if (saved) canvas.set(saved);
  }
  return frames;
}

function draw(canvas: Uint8Array, width: number, height: number, f: GifFrame) {
  for (let y = 0; y < f.height; y++) {
    const cy = f.y + y;
    if (cy >= height) break;
    for (let x = 0; x < f.width; x++) {
      const cx = f.x + x;
      if (cx >= width) break;
      const s = (y * f.width + x) * 4;
      // GIF transparency is all or nothing: a transparent index leaves the canvas as it is.
      if (f.buffer[s + 3] === 0) continue;
      canvas.set(f.buffer.subarray(s, s + 4), (cy * width + cx) * 4);
    }
  }
}

function clear(canvas: Uint8Array, width: number, height: number, f: GifFrame) {
  for (let y = f.y; y < Math.min(height, f.y + f.height); y++) {
    const start = (y * width + f.x) * 4;
    canvas.fill(0, start, start + Math.min(f.width, width - f.x) * 4);
  }
}
