import type { Rgba } from "../codecs/mod.ts";
import type { Mask } from "./raster.ts";
import { toTensorData } from "./raster.ts";
import { model, tf } from "./tf_runtime.ts";

const SIZE = 256;
const LOW = 0.3, HIGH = 0.7;

/**
 * MediaPipe selfie segmentation (Apache-2.0): a 256² person mask, probability per pixel.
 * Clean on people, patchy on animals, unusable on products: the router decides when to use it.
 */
export async function selfieMask(img: Rgba): Promise<Mask> {
  const m = await model("selfie");
  const input = tf.tensor4d(toTensorData(img, SIZE, SIZE, [0, 1]), [1, SIZE, SIZE, 3]);
  const output = m.execute(input) as tf.Tensor;
  const prob = await output.data() as Float32Array;
  tf.dispose([input, output]);
  // Probabilities below LOW are haze (the model is unsure on textured backgrounds), above HIGH
  // certain; the ramp between keeps soft edges soft.
  const data = new Uint8Array(SIZE * SIZE);
  for (let i = 0; i < data.length; i++) {
    data[i] = Math.round(255 * Math.max(0, Math.min(1, (prob[i] - LOW) / (HIGH - LOW))));
  }
  return { width: SIZE, height: SIZE, data };
}
