import type { Rgba } from "../codecs/mod.ts";
import { blur } from "./blur.ts";

/** The radius of the blur the mask subtracts: fine detail, as photo editors default to. */
const MASK_RADIUS = 1.5;
/** sharp=10 adds three times the detail back; sharp=1 a subtle 0.3. */
const AMOUNT_PER_STEP = 0.3;

/** Unsharp mask: out = in + amount × (in − blurred). Alpha is left alone. In place. */
export function sharpen(img: Rgba, strength: number): Rgba {
  if (strength <= 0) return img;
  const amount = strength * AMOUNT_PER_STEP;
  const soft = blur({ ...img, data: img.data.slice() }, MASK_RADIUS).data;
  const d = img.data;
  for (let i = 0; i < d.length; i += 4) {
    for (let c = i; c < i + 3; c++) {
      const v = d[c] + amount * (d[c] - soft[c]);
      d[c] = v < 0 ? 0 : v > 255 ? 255 : v + 0.5; // the store truncates: +0.5 rounds
    }
  }
  return img;
}
