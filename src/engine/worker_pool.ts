import { AppError } from "../../domain/errors.ts";
import { workerLost } from "./engine_error.ts";
import type { JobKind, JobOf, JobResults } from "./jobs.ts";
import { buffersOf } from "./transfer.ts";
import type { FromWorker, ToWorker } from "./worker_loop.ts";

export type PoolOptions = {
  size: number;
  /** A job still running after this is stopped: its Worker is terminated and replaced. */
  deadlineMs: number;
  retryAfterSeconds: number;
  /**
   * A Worker reporting more memory than this after a job (heap, buffers and wasm memory, which
   * only ever grows) is terminated and replaced, so a burst of large images is given back.
   */
  recycleBytes?: number;
  /** The Worker's module; tests pass one that can crash or loop on purpose. */
  workerUrl?: URL;
};

type Pending = {
  id: number;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  timer: ReturnType<typeof setTimeout>;
};
type Slot = { worker: Worker; job: Pending | null; dead: boolean };

const DEFAULT_WORKER = new URL("./worker.ts", import.meta.url);

/**
 * A fixed number of Workers, each running one job at a time and reused. Workers start on first
 * use (or on `warm`), so a process that never touches pixels (a CLI task, most tests) starts
 * none. A Worker that crashes or overruns the deadline is terminated and replaced at once; its
 * job fails with `overloaded`/`retry`, so no request hangs and the pool never shrinks.
 */
export class WorkerPool {
  #slots: Slot[] = [];
  #nextId = 1;
  #warm = false;
  #closed = false;
  /** Workers replaced after a crash or a deadline: visible to tests and operators. */
  replaced = 0;
  /** Workers replaced because a job left them past `recycleBytes`. */
  recycled = 0;
  /** The memory the last Worker to finish a job reported (bytes). */
  lastMemoryBytes = 0;

  constructor(private readonly opts: PoolOptions) {}

  get size() {
    return this.opts.size;
  }

  /** Starts every Worker and has each compile the common codecs now, not on a first request. */
  warm(): void {
    this.#warm = true;
    while (this.#slots.length < this.opts.size) this.#spawn();
    for (const s of this.#slots) if (!s.job) this.#post(s, { type: "warm" });
  }

  /** The caller (the JobQueue) keeps at most `size` jobs in flight. */
  run<K extends JobKind>(job: JobOf<K>): Promise<JobResults[K]> {
    if (this.#closed) return Promise.reject(workerLost("stopped", this.opts.retryAfterSeconds));
    const slot = this.#slots.find((s) => !s.job && !s.dead) ??
      (this.#slots.length < this.opts.size ? this.#spawn() : null);
    if (!slot) throw new Error("WorkerPool.run called with every Worker busy");
    const id = this.#nextId++;
    return new Promise<JobResults[K]>((resolve, reject) => {
      const timer = setTimeout(() => this.#lose(slot, "timed out"), this.opts.deadlineMs);
      slot.job = { id, resolve: resolve as (v: unknown) => void, reject, timer };
      try {
        this.#post(slot, { type: "job", id, job }, buffersOf(job));
      } catch (err) {
        clearTimeout(timer);
        slot.job = null;
        reject(err);
      }
    });
  }

  /** Jobs in flight now. */
  get busy(): number {
    return this.#slots.filter((s) => s.job).length;
  }

  /**
   * Lets running jobs finish for up to `graceMs`, then terminates every Worker; whatever is
   * still running then fails with `overloaded`/`retry`.
   */
  async shutdown(graceMs: number): Promise<void> {
    this.#closed = true;
    const deadline = Date.now() + graceMs;
    while (this.busy > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    this.terminate();
  }

  /** Stops every Worker now. */
  terminate(): void {
    this.#closed = true;
    for (const slot of this.#slots.splice(0)) {
      slot.dead = true;
      slot.worker.terminate();
      this.#settle(slot, null, workerLost("stopped", this.opts.retryAfterSeconds));
    }
  }

  #spawn(): Slot {
    const worker = new Worker(this.opts.workerUrl ?? DEFAULT_WORKER, { type: "module" });
    const slot: Slot = { worker, job: null, dead: false };
    worker.onmessage = (e: MessageEvent<FromWorker>) => {
      const msg = e.data;
      if (msg.type === "warm") return;
      if (!slot.job || slot.job.id !== msg.id) return;
      this.lastMemoryBytes = msg.memory;
      // Replaced before the job settles, so the next job cannot be handed the big Worker.
      if (msg.memory > (this.opts.recycleBytes ?? Infinity)) this.#recycle(slot);
      if (msg.type === "done") this.#settle(slot, msg.result);
      else this.#settle(slot, null, AppError.fromData(msg.error));
    };
    // An uncaught error in a Worker would otherwise propagate to this thread and end the process.
    worker.onerror = (e) => {
      e.preventDefault();
      console.error("image worker crashed:", e.message);
      this.#lose(slot, "crashed");
    };
    worker.onmessageerror = () => this.#lose(slot, "crashed");
    this.#slots.push(slot);
    return slot;
  }

  #post(slot: Slot, msg: ToWorker, transfer: Transferable[] = []) {
    slot.worker.postMessage(msg, transfer);
  }

  #settle(slot: Slot, value: unknown, error?: Error) {
    const job = slot.job;
    if (!job) return;
    slot.job = null;
    clearTimeout(job.timer);
    if (error) job.reject(error);
    else job.resolve(value);
  }

  /** Terminates a Worker left large by its last job; a fresh one takes its place. */
  #recycle(slot: Slot) {
    if (slot.dead) return;
    slot.dead = true;
    slot.worker.terminate();
    const i = this.#slots.indexOf(slot);
    if (i >= 0) this.#slots.splice(i, 1);
    this.recycled++;
    // Started lazily by the next job unless the pool is kept warm.
    if (!this.#closed && this.#warm) this.#post(this.#spawn(), { type: "warm" });
  }

  /** Terminates the Worker, fails its job and puts a fresh Worker in its place. */
  #lose(slot: Slot, reason: "crashed" | "timed out") {
    if (slot.dead) return;
    slot.dead = true;
    slot.worker.terminate();
    const i = this.#slots.indexOf(slot);
    if (i >= 0) this.#slots.splice(i, 1);
    this.replaced++;
    if (reason === "timed out") console.error("image job over its deadline; worker replaced");
    this.#settle(slot, null, workerLost(reason, this.opts.retryAfterSeconds));
    if (!this.#closed) {
      const fresh = this.#spawn();
      if (this.#warm) this.#post(fresh, { type: "warm" });
    }
  }
}
