import type { Rgba } from "../codecs/mod.ts";

export type Tone = { brightness?: number; contrast?: number; gamma?: number };

/**
 * Brightness, contrast and gamma as one 256-entry table (SPEC §5): gamma is an exponent on the
 * normalised value (below 1 lifts the midtones; 0 and 1 leave it), contrast scales the distance
 * from mid-grey (0 is flat grey), brightness multiplies (0 is black). Brightness comes last so
 * that brightness=0 is black whatever else is asked.
 */
export function toneLut({ brightness = 1, contrast = 1, gamma = 1 }: Tone): Uint8Array {
  const lut = new Uint8Array(256);
  const exponent = gamma === 0 ? 1 : gamma;
  for (let v = 0; v < 256; v++) {
    let x = 255 * Math.pow(v / 255, exponent);
    x = (x - 128) * contrast + 128;
    x *= brightness;
    lut[v] = Math.max(0, Math.min(255, Math.round(x)));
  }
  return lut;
}

export const isIdentityTone = (t: Tone) =>
  (t.brightness ?? 1) === 1 && (t.contrast ?? 1) === 1 && [0, 1].includes(t.gamma ?? 1);

/** Maps R, G and B through the table in place; alpha is not a tone. */
export function applyLut(img: Rgba, lut: Uint8Array): Rgba {
  const d = img.data;
  for (let i = 0; i < d.length; i += 4) {
    d[i] = lut[d[i]];
    d[i + 1] = lut[d[i + 1]];
    d[i + 2] = lut[d[i + 2]];
  }
  return img;
}

/**
 * Mixes each pixel with its own luma (Rec. 709 weights): 0 is greyscale, 1 unchanged, above 1
 * pushes colours away from grey. In place.
 */
export function saturate(img: Rgba, amount: number): Rgba {
  const d = img.data;
  for (let i = 0; i < d.length; i += 4) {
    const r = d[i], g = d[i + 1], b = d[i + 2];
    const l = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    d[i] = clamp(l + (r - l) * amount);
    d[i + 1] = clamp(l + (g - l) * amount);
    d[i + 2] = clamp(l + (b - l) * amount);
  }
  return img;
}

const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));
