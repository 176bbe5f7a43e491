import { notStarted } from "./engine_error.ts";
import type { JobKind } from "./jobs.ts";

export type JobQueueOptions = {
  /** Jobs run at once: one per Worker (inline: a few, as pixel work blocks the thread anyway). */
  concurrency: number;
  /** Jobs of each kind that may wait for a slot; one more is refused at once. */
  waiting: Record<JobKind, number>;
  /** What Retry-After tells a refused client. */
  retryAfterSeconds: number;
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
  #waiting: { kind: JobKind; start: () => void; fail: (e: Error) => void }[] = [];
  #closed = false;

  constructor(private readonly opts: JobQueueOptions) {}

  get running() {
    return this.#running;
  }

  get waiting() {
    return this.#waiting.length;
  }

  /**
   * Runs `work` in a slot. `prepare` (reading the job's input, say) starts as soon as the job is
   * admitted, while it waits for its slot, so I/O overlaps the pixel work ahead of it; a refused
   * job never prepares, so memory stays bounded by the queue.
   */
  async run<T, P = undefined>(
    kind: JobKind,
    work: (prepared: P) => Promise<T>,
    prepare?: () => Promise<P>,
  ): Promise<T> {
    const slot = this.#admit(kind); // throws at once when refused: nothing is prepared
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

  /** Refuses at once past the queue; otherwise resolves with the slot's release when it is free. */
  #admit(kind: JobKind): Promise<() => void> {
    if (this.#closed) {
      return Promise.reject(notStarted("shutting down", this.opts.retryAfterSeconds));
    }
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      // The slot is handed over to the next job, so #running never dips in between.
      const next = this.#waiting.shift();
      if (next) next.start();
      else this.#running--;
    };
    if (this.#running < this.opts.concurrency) {
      this.#running++;
      return Promise.resolve(release);
    }
    const same = this.#waiting.filter((w) => w.kind === kind).length;
    if (same >= this.opts.waiting[kind]) throw notStarted(BUSY[kind], this.opts.retryAfterSeconds);
    return new Promise<() => void>((start, fail) =>
      this.#waiting.push({ kind, start: () => start(release), fail })
    );
  }

  /** Takes no more jobs; those waiting are refused. Running ones are left to finish. */
  close(): void {
    this.#closed = true;
    for (const w of this.#waiting.splice(0)) {
      w.fail(notStarted("shutting down", this.opts.retryAfterSeconds));
    }
  }
}
