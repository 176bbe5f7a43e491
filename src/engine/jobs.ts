import { ingest, type IngestOptions, type IngestResult } from "../imaging/mod.ts";
import type { OutputFormat, TransformParams } from "../transform/mod.ts";
import {
  type Output,
  type PipelineLimits,
  type PipelineVision,
  runPipeline,
  type Source,
} from "../transform/mod.ts";
import { encodeJpeg } from "../codecs/mod.ts";

/** Sniff, probe, decode, normalise and strip GPS: bytes as sent become bytes to store. */
export type IngestJob = { kind: "ingest"; bytes: Uint8Array; opts: IngestOptions };
/** Decode a stored original, run the pipeline, encode. */
export type TransformJob = {
  kind: "transform";
  source: Source;
  params: TransformParams;
  format: OutputFormat;
  limits: PipelineLimits;
  /** A cut-out mask and face boxes, computed beforehand by the vision Worker (src/vision). */
  vision?: PipelineVision;
};

/**
 * Every kind of pixel work, with what it returns. A later kind (segmentation, face detection)
 * is one more entry here and in JOBS; the pool, queue and error handling stay as they are.
 */
export type JobResults = { ingest: IngestResult; transform: Output };
export type Job = IngestJob | TransformJob;
export type JobKind = Job["kind"];
export type JobOf<K extends JobKind> = Extract<Job, { kind: K }>;

const JOBS: { [K in JobKind]: (job: JobOf<K>) => Promise<JobResults[K]> } = {
  ingest: (job) => ingest(job.bytes, job.opts),
  transform: (job) => runPipeline(job.source, job.params, job.format, job.limits, job.vision),
};

/** Runs a job where it is called: inside a Worker, or inline on the main thread. */
export function runJob<K extends JobKind>(job: JobOf<K>): Promise<JobResults[K]> {
  return (JOBS[job.kind] as (j: JobOf<K>) => Promise<JobResults[K]>)(job);
}

/**
 * Compiles the common codecs (JPEG decode, resize, WebP and JPEG encode) on a tiny image, so the
 * first real request does not pay for it. Failures are left to that request to report.
 */
export async function warmUp(): Promise<void> {
  const side = 16;
  const data = new Uint8Array(side * side * 4).fill(200);
  const jpeg = encodeJpeg({ width: side, height: side, data }, 80);
  const source: Source = { bytes: jpeg, format: "jpeg", width: side, height: side, frames: 1 };
  for (const format of ["jpg", "webp"] as const) {
    await runPipeline(source, { w: 8 }, format).catch(() => {});
  }
}
