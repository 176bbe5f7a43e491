import type { Rgba } from "../codecs/mod.ts";
import { type Box, nms } from "./boxes.ts";
import { letterbox } from "./letterbox.ts";
import { model, tf } from "./tf_runtime.ts";

const SIZE = 416;
const BINS = 11;
const MIN_SCORE = 0.3;

/** COCO class indices this engine routes on. */
export const PERSON = 0;
export const ANIMALS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 23]); // bird … giraffe

export type Detection = Box & { label: number };

/**
 * NanoDet (Apache-2.0 upstream), COCO's 80 classes: what kind of subject the photo has and
 * where. Each of three strides gives class scores and, per side, a distribution over 11
 * distance bins whose expectation is the distance from the cell centre.
 */
export async function detectObjects(img: Rgba): Promise<Detection[]> {
  const m = await model("nanodet");
  const { data, scale } = letterbox(img, SIZE, [0, 1], "chw");
  const input = tf.tensor4d(data, [1, 3, SIZE, SIZE]);
  const outputs = m.execute(input) as tf.Tensor[];
  const found: Detection[] = [];
  for (const grid of [52, 26, 13]) {
    const n = grid * grid, stride = SIZE / grid;
    const scores = await outputs.find((t) => t.shape[1] === n && t.shape[2] === 80)!.data();
    const dists = await outputs.find((t) => t.shape[1] === n && t.shape[2] === 4 * BINS)!.data();
    for (let i = 0; i < n; i++) {
      let best = 0, label = 0;
      for (let c = 0; c < 80; c++) {
        if (scores[i * 80 + c] > best) [best, label] = [scores[i * 80 + c], c];
      }
      if (best < MIN_SCORE) continue;
      const cx = (i % grid) * stride, cy = Math.floor(i / grid) * stride;
      const [l, t, r, b] = [0, 1, 2, 3].map((side) => {
        const o = i * 4 * BINS + side * BINS;
        let max = -Infinity;
        for (let k = 0; k < BINS; k++) max = Math.max(max, dists[o + k]);
        let sum = 0, ex = 0;
        for (let k = 0; k < BINS; k++) {
          const e = Math.exp(dists[o + k] - max);
          sum += e;
          ex += e * k;
        }
        return (ex / sum) * stride;
      });
      found.push({
        x: (cx - l) / scale,
        y: (cy - t) / scale,
        width: (l + r) / scale,
        height: (t + b) / scale,
        score: best,
        label,
      });
    }
  }
  tf.dispose([input, ...outputs]);
  return nms(found, 0.5, 20) as Detection[];
}
