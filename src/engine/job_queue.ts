import { notStarted } from "./engine_error.ts";
import type { JobKind } from "./jobs.ts";

export type JobQueueOptions = {
  /** Jobs run at once: one per Worker (inline: a few, as pixel work blocks the thread anyway). */
  concurrency: number;
  /** Jobs of each kind that may wait for a slot; one more is refused at once. */
  waiting: Record<JobKind, number>;
  /** What Retry-After tells a refused client. */
  retryAfterSeconds: number;
  /**
   * Estimated peak bytes of the jobs running at once (IMAGE_MEMORY_MB); unset is unbounded. A
   * job that would take the total past it waits; one larger than the whole budget runs alone.
   */
  memoryBytes?: number;
};

type Waiting = {
  kind: JobKind;
  cost: number;
  start: () => void;
  fail: (e: Error) => void;
};

const BUSY: Record<JobKind, string> = {
  transform: "transforming other images",
  ingest: "storing other uploads",
};

/**
 * The one queue in front of all pixel work: a few jobs run, a short queue waits, and past that
 * the caller gets 503 `overloaded` straight away. Queueing longer would only make every client
 * wait and then time out; a quick refusal with Retry-After lets the client (or a CDN) come back.
 * Each kind has its own bound on waiting, so a burst of transforms cannot refuse an upload that
 * has already been let through the ingest gate, and both share the same slots in order.
 */
export class JobQueue {
  #running = 0;
  #used = 0;
  #waiting: Waiting[] = [];
  #closed = false;

  constructor(private readonly opts: JobQueueOptions) {}

  get running() {
    return this.#running;
  }

  get waiting() {
    return this.#waiting.length;
  }

  /** Estimated bytes held by the running jobs. */
  get memoryInUse() {
    return this.#used;
  }

  /**
   * Runs `work` in a slot. `prepare` (reading the job's input, say) starts as soon as the job is
   * admitted, while it waits for its slot, so I/O overlaps the pixel work ahead of it; a refused
   * job never prepares, so memory stays bounded by the queue. `cost` is the job's estimated
   * peak memory in bytes (src/engine/job_cost.ts), held against the budget while it runs.
   */
  async run<T, P = undefined>(
    kind: JobKind,
    work: (prepared: P) => Promise<T>,
    prepare?: () => Promise<P>,
    cost = 0,
  ): Promise<T> {
    const slot = this.#admit(kind, Math.max(0, cost)); // throws at once when refused: nothing is prepared
    slot.catch(() => {}); // a close() while preparing is seen below, not as unhandled
    let prepared: P;
    try {
      prepared = prepare ? await prepare() : (undefined as P);
    } catch (err) {
      slot.then((release) => release(), () => {});
      throw err;
    }
    const release = await slot;
    try {
      return await work(prepared);
    } finally {
      release();
    }
  }

  /**
   * Refuses at once past the queue; otherwise resolves with the slot's release when a slot is
   * free and the job's memory fits. Jobs start in order: a large one at the head is not
   * overtaken by smaller ones behind it, so it runs as soon as enough is given back (alone, if
   * it is larger than the whole budget).
   */
  #admit(kind: JobKind, cost: number): Promise<() => void> {
    if (this.#closed) {
      return Promise.reject(notStarted("shutting down", this.opts.retryAfterSeconds));
    }
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.#running--;
      this.#used -= cost;
      this.#pump();
    };
    if (this.#waiting.length === 0 && this.#fits(cost)) {
      this.#take(cost);
      return Promise.resolve(release);
    }
    const same = this.#waiting.filter((w) => w.kind === kind).length;
    if (same >= this.opts.waiting[kind]) throw notStarted(BUSY[kind], this.opts.retryAfterSeconds);
    return new Promise<() => void>((start, fail) =>
      this.#waiting.push({ kind, cost, start: () => start(release), fail })
    );
  }

  #fits(cost: number): boolean {
    if (this.#running >= this.opts.concurrency) return false;
    return this.#running === 0 || this.#used + cost <= (this.opts.memoryBytes ?? Infinity);
  }

  #take(cost: number) {
    this.#running++;
    this.#used += cost;
  }

  /** Starts waiting jobs, in order, while the head fits. */
  #pump() {
    while (this.#waiting.length && this.#fits(this.#waiting[0].cost)) {
      const next = this.#waiting.shift()!;
      this.#take(next.cost);
      next.start();
    }
  }

  /** Takes no more jobs; those waiting are refused. Running ones are left to finish. */
  close(): void {
    this.#closed = true;
    for (const w of this.#waiting.splice(0)) {
      w.fail(notStarted("shutting down", this.opts.retryAfterSeconds));
    }
  }
}
