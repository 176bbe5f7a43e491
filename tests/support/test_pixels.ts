import type { Rgba } from "../../src/codecs/mod.ts";

/** Test helper: an image whose pixels come from `fn(x, y)` as [r, g, b, a]. */
export function image(
  width: number,
  height: number,
  fn: (x: number, y: number) => [number, number, number, number],
): Rgba {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(fn(x, y), (y * width + x) * 4);
  }
  return { width, height, data };
}

export function pixel(img: Rgba, x: number, y: number): number[] {
  const o = (y * img.width + x) * 4;
  return Array.from(img.data.subarray(o, o + 4));
}

/** Sum of absolute luma differences between neighbours: how much edge there is. */
export function edgeEnergy(img: Rgba): number {
  const { width: w, height: h, data: d } = img;
  const luma = (i: number) => 0.2126 * d[i] + 0.7152 * d[i + 1] + 0.0722 * d[i + 2];
  let e = 0;
  for (let y = 0; y + 1 < h; y++) {
    for (let x = 0; x + 1 < w; x++) {
      const i = (y * w + x) * 4;
      e += Math.abs(luma(i + 4) - luma(i)) + Math.abs(luma(i + w * 4) - luma(i));
    }
  }
  return e;
}

/** A deterministic photo-like test card: gradients, a hard-edged square and fine stripes. */
export function testCard(width: number, height: number): Rgba {
  return image(width, height, (x, y) => {
    const inSquare = x > width / 4 && x < width / 2 && y > height / 4 && y < (3 * height) / 4;
    const stripe = (x >> 1) % 2 === 0 && x > (2 * width) / 3 ? 60 : 0;
    return [
      inSquare ? 230 : (x * 255) / width,
      inSquare ? 40 : (y * 255) / height,
      Math.min(255, 100 + stripe),
      255,
    ];
  });
}
