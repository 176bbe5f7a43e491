/**
 * Straight (not premultiplied) RGBA, 4 bytes per pixel, rows top to bottom: what every decoder
 * returns, every pixel operation takes and every encoder reads.
 */
export type Rgba = { width: number; height: number; data: Uint8Array };

/** One frame of a decoded image; still images have one, with delay 0. */
export type DecodedFrame = Rgba & { delayMs: number };

/**
 * A codec's ImageData-like result (jSquash, libheif and decode-ico hand back a
 * Uint8ClampedArray) as Rgba: a view on the same bytes, not a copy.
 */
export function asRgba(
  img: { width: number; height: number; data: Uint8Array | Uint8ClampedArray },
): Rgba {
  const { data } = img;
  return {
    width: img.width,
    height: img.height,
    data: data instanceof Uint8Array
      ? data
      : new Uint8Array(data.buffer, data.byteOffset, data.length),
  };
}
