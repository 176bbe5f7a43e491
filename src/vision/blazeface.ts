import type { Rgba } from "../codecs/mod.ts";
import { type Box, nms } from "./boxes.ts";
import { letterbox } from "./letterbox.ts";
import { model, tf } from "./tf_runtime.ts";

const SIZE = 256;
const MIN_SCORE = 0.75;

/** BlazeFace's anchor centres: a 16² grid with 2 anchors a cell, then an 8² grid with 6. */
const ANCHORS: [number, number][] = (() => {
  const out: [number, number][] = [];
  for (const [stride, count] of [[16, 2], [32, 6]]) {
    const cells = SIZE / stride;
    for (let gy = 0; gy < cells; gy++) {
      for (let gx = 0; gx < cells; gx++) {
        for (let n = 0; n < count; n++) out.push([stride * (gx + 0.5), stride * (gy + 0.5)]);
      }
    }
  }
  return out;
})();

/** Face boxes (tight around the face) in the pixels of `img`, best first. */
export async function blazeFaces(img: Rgba): Promise<Box[]> {
  const m = await model("blazeface");
  const { data, scale } = letterbox(img, SIZE, [-1, 1]);
  const input = tf.tensor4d(data, [1, SIZE, SIZE, 3]);
  const outputs = m.execute(input) as tf.Tensor[];
  // Two heads (512 and 384 anchors), each a score and 16 regressors.
  const by = (anchors: number, depth: number) =>
    outputs.find((t) => t.shape[1] === anchors && t.shape[2] === depth)!;
  const scores = [
    ...await by(512, 1).data(),
    ...await by(384, 1).data(),
  ];
  const regs = [...await by(512, 16).data(), ...await by(384, 16).data()];
  tf.dispose([input, ...outputs]);
  const found: Box[] = [];
  for (let i = 0; i < ANCHORS.length; i++) {
    const score = 1 / (1 + Math.exp(-scores[i]));
    if (score < MIN_SCORE) continue;
    const r = i * 16;
    const cx = ANCHORS[i][0] + regs[r], cy = ANCHORS[i][1] + regs[r + 1];
    const w = regs[r + 2], h = regs[r + 3];
    found.push({
      x: (cx - w / 2) / scale,
      y: (cy - h / 2) / scale,
      width: w / scale,
      height: h / scale,
      score,
    });
  }
  return nms(found, 0.3, 20);
}
