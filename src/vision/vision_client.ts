import { visionBusy } from "./busy.ts";
import type { VisionJob, VisionResult } from "./engine.ts";

export type VisionClientOptions = {
  /** Jobs that may wait; one more is refused with 503 overloaded. */
  queue: number;
  /** False runs jobs inline (on this thread): for tools without Workers. */
  worker: boolean;
  retryAfterSeconds: number;
  /**
   * How long the Worker may go without answering while jobs wait before it is taken for wedged
   * (a model or GrabCut stuck on some input): it is then stopped, its jobs answered 503, and a
   * new one started by the next job. Default 60 s, far above the slowest job measured (~5 s).
   */
  stallMs?: number;
};

type Pending = { resolve: (r: VisionResult) => void; reject: (e: Error) => void };

/**
 * Sends vision jobs to one dedicated Worker (started on first use, so a service that never
 * segments never loads a model). If the Worker cannot start, jobs run inline. A crashed Worker
 * fails its pending jobs and is replaced on the next one.
 */
export class VisionClient {
  #worker: Worker | null = null;
  #pending = new Map<number, Pending>();
  #next = 1;
  #inline: Promise<unknown> = Promise.resolve();
  #watchdog: ReturnType<typeof setTimeout> | undefined;
  /** Jobs run to completion by this client: what "no second inference" is counted by. */
  completed = { segment: 0, faces: 0 };

  constructor(private readonly opts: VisionClientOptions) {}

  get pending(): number {
    return this.#pending.size;
  }

  run(job: VisionJob): Promise<VisionResult> {
    if (this.#pending.size >= this.opts.queue) {
      return Promise.reject(visionBusy(this.opts.retryAfterSeconds, "queue"));
    }
    const worker = this.opts.worker ? this.#spawn() : null;
    const id = this.#next++;
    const done = new Promise<VisionResult>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
    }).then((r) => {
      this.completed[r.op]++;
      return r;
    });
    if (worker) {
      // The bytes are copied, not transferred: the caller may still be using them.
      worker.postMessage({ id, job });
      this.#watch();
    } else {
      // Loaded on demand: the models stay out of a process that never segments.
      const run = this.#inline.then(async () => (await import("./engine.ts")).runVisionJob(job));
      this.#inline = run.catch(() => {});
      run.then((r) => this.#settle(id, r), (e) => this.#fail(id, e));
    }
    return done;
  }

  /** Stops the Worker; pending jobs fail. */
  close() {
    clearTimeout(this.#watchdog);
    this.#worker?.terminate();
    this.#worker = null;
    for (const id of [...this.#pending.keys()]) this.#fail(id, new Error("vision closed"));
  }

  #spawn(): Worker | null {
    if (this.#worker) return this.#worker;
    try {
      const w = new Worker(new URL("./vision_worker.ts", import.meta.url), { type: "module" });
      w.onmessage = (e: MessageEvent<{ id: number; result?: VisionResult; error?: string }>) => {
        const { id, result, error } = e.data;
        if (result) this.#settle(id, result);
        else this.#fail(id, new Error(error ?? "vision job failed"));
        this.#watch();
      };
      w.onerror = (e) => {
        e.preventDefault();
        this.#worker = null;
        w.terminate();
        for (const id of [...this.#pending.keys()]) {
          this.#fail(id, new Error(`vision worker crashed: ${e.message}`));
        }
      };
      this.#worker = w;
      return w;
    } catch {
      this.opts.worker = false;
      return null;
    }
  }

  /** (Re)arms the stall timer while jobs wait on the Worker; every answer resets it. */
  #watch() {
    clearTimeout(this.#watchdog);
    if (this.#pending.size === 0 || !this.#worker) return;
    const worker = this.#worker;
    this.#watchdog = setTimeout(() => {
      if (this.#worker !== worker) return;
      this.#worker = null;
      worker.terminate();
      const busy = visionBusy(this.opts.retryAfterSeconds, "restarted");
      for (const id of [...this.#pending.keys()]) this.#fail(id, busy);
    }, this.opts.stallMs ?? 60_000);
  }

  #settle(id: number, r: VisionResult) {
    const p = this.#pending.get(id);
    this.#pending.delete(id);
    p?.resolve(r);
  }

  #fail(id: number, e: unknown) {
    const p = this.#pending.get(id);
    this.#pending.delete(id);
    p?.reject(e instanceof Error ? e : new Error(String(e)));
  }
}
