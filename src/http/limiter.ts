import { AppError } from "../../domain/errors.ts";

export type LimiterOptions = {
  /** Requests served at once. */
  concurrency: number;
  /** Requests that may wait for a slot; one more is refused at once. */
  queue: number;
  /** What Retry-After tells a refused client. */
  retryAfterSeconds: number;
};

export const DEFAULT_LIMITS: LimiterOptions = { concurrency: 2, queue: 8, retryAfterSeconds: 2 };

/**
 * Bounds concurrent requests: a few run, a short queue waits, and past that the request gets 503
 * `overloaded` straight away. Queueing longer would only make every client wait and then time
 * out; a quick refusal with Retry-After lets the client (or a CDN) come back. The ingest gate
 * uses it to bound upload bodies held in memory; pixel work has its own queue (src/engine).
 */
export class Limiter {
  #running = 0;
  #waiting: (() => void)[] = [];

  constructor(private readonly opts: LimiterOptions = DEFAULT_LIMITS) {}

  get running() {
    return this.#running;
  }

  get waiting() {
    return this.#waiting.length;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#running >= this.opts.concurrency) {
      if (this.#waiting.length >= this.opts.queue) throw overloaded(this.opts.retryAfterSeconds);
      // The slot is handed over by the finishing task, so #running never dips in between.
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#running++;
    }
    try {
      return await work();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running--;
    }
  }
}

export function overloaded(seconds: number): AppError {
  return new AppError(
    "overloaded",
    "The server is busy transforming other images; this one was not started.",
    { retryAfter: seconds },
  );
}
