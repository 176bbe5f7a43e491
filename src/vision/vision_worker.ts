/// <reference lib="deno.worker" />
import { runVisionJob, type VisionJob } from "./engine.ts";

/**
 * The Worker that keeps decoding, models and GrabCut off the request thread. Jobs run one at a
 * time (models are loaded once here and shared); each reply carries the job's id.
 */
let chain: Promise<void> = Promise.resolve();

self.onmessage = (e: MessageEvent<{ id: number; job: VisionJob }>) => {
  const { id, job } = e.data;
  chain = chain.then(async () => {
    try {
      const result = await runVisionJob(job);
      const transfer = result.op === "segment" ? [result.mask.data.buffer as ArrayBuffer] : [];
      self.postMessage({ id, result }, transfer);
    } catch (err) {
      self.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
    }
  });
};
