import type { IngestOptions, IngestResult } from "../imaging/mod.ts";
import type { OutputFormat, TransformParams } from "../transform/mod.ts";
import type { Output, PipelineLimits, PipelineVision, Source } from "../transform/mod.ts";
import { ingestCost, transformCost, type TransformSource } from "./job_cost.ts";
import { JobQueue } from "./job_queue.ts";
import type { Job, JobKind, JobOf, JobResults } from "./jobs.ts";
import { owned } from "./transfer.ts";
import { WorkerPool } from "./worker_pool.ts";

export type EngineOptions = {
  /** Worker threads; 0 runs every job inline on the calling thread. */
  workers: number;
  /** Jobs at once when inline (pixel work blocks the thread, so more buys nothing). */
  inlineConcurrency: number;
  waiting: Record<JobKind, number>;
  /** Per job, in Workers only: inline work cannot be interrupted. */
  deadlineMs: number;
  retryAfterSeconds: number;
  /** IMAGE_MEMORY_MB in bytes: the estimated peak memory of the jobs running at once. */
  memoryBytes?: number;
  /** A Worker whose heap and wasm memory is past this after a job is replaced (Workers only). */
  recycleBytes?: number;
  workerUrl?: URL;
};

/** How much more RSS a job costs in a Worker than inline (see Engine#charged). */
const WORKER_RSS_FACTOR = 1.8;

/**
 * All pixel work goes through here: one bounded queue, then a pool of Workers (or the calling
 * thread when `workers` is 0). Rejects with AppError (domain/errors.ts), rebuilt from the data a Worker sends back.
 */
export class Engine {
  readonly #queue: JobQueue;
  readonly #pool: WorkerPool | null;
  /** Inline, the codecs load with the engine, as they did before Workers (and not at all with them). */
  readonly #inline: Promise<typeof import("./jobs.ts")> | null;

  constructor(readonly opts: EngineOptions) {
    this.#pool = opts.workers > 0
      ? new WorkerPool({
        size: opts.workers,
        deadlineMs: opts.deadlineMs,
        retryAfterSeconds: opts.retryAfterSeconds,
        recycleBytes: opts.recycleBytes,
        workerUrl: opts.workerUrl,
      })
      : null;
    this.#inline = this.#pool ? null : import("./jobs.ts");
    // A codec module that cannot load fails the first job that needs it, not the process.
    this.#inline?.catch(() => {});
    this.#queue = new JobQueue({
      concurrency: opts.workers > 0 ? opts.workers : opts.inlineConcurrency,
      waiting: opts.waiting,
      retryAfterSeconds: opts.retryAfterSeconds,
      memoryBytes: opts.memoryBytes,
    });
  }

  get pool(): WorkerPool | null {
    return this.#pool;
  }

  get queue(): JobQueue {
    return this.#queue;
  }

  /**
   * `bytes` is handed over: with Workers its buffer is transferred (detached here) unless it is
   * a view into a larger one, which is copied first. Its memory is estimated from the headers
   * before it is admitted.
   */
  ingest(bytes: Uint8Array, opts: IngestOptions): Promise<IngestResult> {
    return this.run({ kind: "ingest", bytes, opts });
  }

  /**
   * The source's bytes are handed over, as with `ingest`. Given a loader, the source is read
   * only once the job is admitted to the queue (a refused request reads nothing), while it waits;
   * `stored` (the source's format and size, which a Source carries itself) prices its memory.
   */
  transform(
    source: Source | (() => Promise<Source>),
    params: TransformParams,
    format: OutputFormat,
    limits: PipelineLimits,
    vision: PipelineVision = {},
    stored?: TransformSource,
  ): Promise<Output> {
    const load = typeof source === "function" ? source : () => Promise.resolve(source);
    const known = stored ?? (typeof source === "function" ? undefined : source);
    const cost = known ? this.#charged(transformCost(known, params, format, limits.maxPixels)) : 0;
    return this.#queue.run(
      "transform",
      (s) =>
        this.#execute<"transform">({
          kind: "transform",
          source: s,
          params,
          format,
          limits,
          vision,
        }),
      load,
      cost,
    );
  }

  /** Any job, admitted with its estimated memory. */
  run<K extends JobKind>(job: JobOf<K>): Promise<JobResults[K]> {
    const j = job as Job;
    const cost = this.#charged(
      j.kind === "ingest"
        ? ingestCost(j.bytes, j.opts)
        : transformCost(j.source, j.params, j.format, j.limits.maxPixels),
    );
    return this.#queue.run(job.kind, () => this.#execute(job), undefined, cost);
  }

  /**
   * The job costs are peak RSS measured inline. A job in a Worker costs more: its Worker's wasm
   * memory keeps the high-water mark of the largest image it has handled, and each Worker has
   * its own allocator arena. Measured with the peak-RSS benchmark (10 concurrent 20 MB PNG
   * uploads): +118 MB estimated, about +215 MB per job in a Worker. A job past the whole budget
   * runs alone whatever it is charged, so it is charged no more than that.
   */
  #charged(inlineCost: number): number {
    if (!this.#pool) return inlineCost;
    const budget = this.opts.memoryBytes ?? Infinity;
    return Math.round(Math.min(inlineCost * WORKER_RSS_FACTOR, Math.max(inlineCost, budget)));
  }

  async #execute<K extends JobKind>(job: JobOf<K>): Promise<JobResults[K]> {
    if (!this.#pool) return (await this.#inline!).runJob(job);
    return await this.#pool.run(detachable(job));
  }

  /**
   * Starts the Workers and has them compile the codecs, `afterMs` from now: called once the
   * server listens, a little later so that creating the Workers (synchronous on this thread)
   * does not delay the first requests of a cold start.
   */
  warm(afterMs = 0): void {
    if (!this.#pool) return;
    const timer = setTimeout(() => this.#pool?.warm(), afterMs);
    Deno.unrefTimer(timer);
  }

  /** Takes no more jobs, lets running ones finish for up to `graceMs`, then stops the Workers. */
  async shutdown(graceMs: number): Promise<void> {
    this.#queue.close();
    await this.#pool?.shutdown(graceMs);
  }

  /** Stops at once (tests, and the end of a CLI task). */
  close(): void {
    this.#queue.close();
    this.#pool?.terminate();
  }
}

function detachable<K extends JobKind>(job: JobOf<K>): JobOf<K> {
  const j = job as Job;
  const out: Job = j.kind === "ingest"
    ? { ...j, bytes: owned(j.bytes) }
    : { ...j, source: { ...j.source, bytes: owned(j.source.bytes) } };
  return out as JobOf<K>;
}
