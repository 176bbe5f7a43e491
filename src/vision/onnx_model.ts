import type { InferenceSession } from "onnxruntime-web";
import type { Rgba } from "../codecs/mod.ts";
import { type Mask, resizeMask, toTensorData } from "./raster.ts";

/** How the operator's model wants its RGB input: 0–1, ImageNet mean/std, or ISNet's −0.5–0.5. */
export type OnnxNormalize = "unit" | "imagenet" | "isnet";
export type OnnxModel = { path: string; normalize: OnnxNormalize };

/** The input size when the model's input has no fixed size (U²-Net's is 320). */
const DEFAULT_SIZE = 320;

const sessions = new Map<
  string,
  Promise<{ ort: typeof import("onnxruntime-web"); s: InferenceSession }>
>();

/** One session per model file and Worker, on onnxruntime-web's WebAssembly backend. */
function session(path: string) {
  let s = sessions.get(path);
  if (!s) {
    s = (async () => {
      const ort = await import("onnxruntime-web");
      ort.env.wasm.numThreads = 1;
      const bytes = await Deno.readFile(path);
      return { ort, s: await ort.InferenceSession.create(bytes) };
    })();
    sessions.set(path, s);
    s.catch(() => sessions.delete(path));
  }
  return s;
}

const MEAN: Record<OnnxNormalize, number[]> = {
  unit: [0, 0, 0],
  imagenet: [0.485, 0.456, 0.406],
  isnet: [0.5, 0.5, 0.5],
};
const STD: Record<OnnxNormalize, number[]> = {
  unit: [1, 1, 1],
  imagenet: [0.229, 0.224, 0.225],
  isnet: [1, 1, 1],
};

/**
 * An ISNet/U²-Net-shaped salient-object model supplied by the operator: one NCHW RGB input,
 * the first output a one-channel map, stretched to 0–255 (min to max), at `img`'s size.
 */
export async function onnxMask(img: Rgba, model: OnnxModel): Promise<Mask> {
  const { ort, s } = await session(model.path);
  const meta = s.inputMetadata?.[0];
  const shape = meta && "shape" in meta ? meta.shape : [];
  const fixed = (v: unknown) => (typeof v === "number" && v > 0 ? v : DEFAULT_SIZE);
  const h = fixed(shape[2]), w = fixed(shape[3]);
  const data = toTensorData(img, w, h, [0, 1], "chw");
  const mean = MEAN[model.normalize], std = STD[model.normalize];
  for (let c = 0; c < 3; c++) {
    for (let i = c * w * h; i < (c + 1) * w * h; i++) data[i] = (data[i] - mean[c]) / std[c];
  }
  const input = new ort.Tensor("float32", data, [1, 3, h, w]);
  const out = (await s.run({ [s.inputNames[0]]: input }))[s.outputNames[0]];
  const values = out.data as Float32Array;
  const oh = out.dims[out.dims.length - 2], ow = out.dims[out.dims.length - 1];
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < ow * oh; i++) {
    lo = Math.min(lo, values[i]);
    hi = Math.max(hi, values[i]);
  }
  const span = hi - lo || 1;
  const mask = new Uint8Array(ow * oh);
  for (let i = 0; i < mask.length; i++) mask[i] = Math.round((255 * (values[i] - lo)) / span);
  return resizeMask({ width: ow, height: oh, data: mask }, img.width, img.height);
}
