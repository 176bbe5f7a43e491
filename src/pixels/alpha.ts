import type { Rgba } from "../codecs/mod.ts";

export function hasAlpha(img: Rgba): boolean {
  const d = img.data;
  for (let i = 3; i < d.length; i += 4) if (d[i] !== 255) return true;
  return false;
}

/**
 * Colour weighted by coverage. Averaging straight RGBA lets the (often black) colour of fully
 * transparent pixels bleed into their neighbours as a dark fringe.
 */
export function premultiply(img: Rgba): Rgba {
  const src = img.data;
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i += 4) {
    const a = src[i + 3];
    out[i] = (src[i] * a + 127) / 255;
    out[i + 1] = (src[i + 1] * a + 127) / 255;
    out[i + 2] = (src[i + 2] * a + 127) / 255;
    out[i + 3] = a;
  }
  return { width: img.width, height: img.height, data: out };
}

export function unpremultiply(img: Rgba): Rgba {
  const d = img.data;
  for (let i = 0; i < d.length; i += 4) {
    const a = d[i + 3];
    if (a === 255) continue;
    if (a === 0) {
      d[i] = d[i + 1] = d[i + 2] = 0;
      continue;
    }
    d[i] = Math.min(255, (d[i] * 255 + (a >> 1)) / a);
    d[i + 1] = Math.min(255, (d[i + 1] * 255 + (a >> 1)) / a);
    d[i + 2] = Math.min(255, (d[i + 2] * 255 + (a >> 1)) / a);
  }
  return img;
}

/**
 * Composites the image over a solid colour (Porter–Duff "over"). With an opaque colour every
 * pixel comes out opaque, which is what JPEG needs. An opaque image comes back as it is.
 */
export function flatten(img: Rgba, [br, bg, bb, ba]: [number, number, number, number]): Rgba {
  if (!hasAlpha(img)) return img;
  const d = img.data;
  const out = new Uint8Array(d.length);
  for (let i = 0; i < d.length; i += 4) {
    const a = d[i + 3] / 255;
    const under = (ba / 255) * (1 - a);
    const outA = a + under;
    if (outA === 0) continue;
    out[i] = Math.round((d[i] * a + br * under) / outA);
    out[i + 1] = Math.round((d[i + 1] * a + bg * under) / outA);
    out[i + 2] = Math.round((d[i + 2] * a + bb * under) / outA);
    out[i + 3] = Math.round(outA * 255);
  }
  return { width: img.width, height: img.height, data: out };
}
