import type { ErrorData } from "../../domain/errors.ts";
import { errorData } from "./engine_error.ts";
import { type Job, type JobResults, runJob, warmUp } from "./jobs.ts";
import { buffersOf } from "./transfer.ts";

/** main → worker */
export type ToWorker = { type: "job"; id: number; job: Job } | { type: "warm" };
/** worker → main */
export type FromWorker =
  | { type: "done"; id: number; result: JobResults[keyof JobResults]; memory: number }
  | { type: "failed"; id: number; error: ErrorData; memory: number }
  | { type: "warm" };

type Scope = {
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
};

/**
 * A Worker's side of the pool: one job at a time (the pool never sends a second before the
 * first answers), results transferred back, errors as plain data, each with the Worker's memory
 * after the job (so the pool can replace a Worker a large job left big). `run` is replaceable
 * so a test worker can add jobs that crash or loop on purpose.
 */
export function serveJobs(
  scope: Scope,
  run: (job: Job) => Promise<JobResults[keyof JobResults]> = (job) => runJob(job),
  memory: () => number = heapBytes,
): void {
  scope.onmessage = async (e) => {
    const msg = e.data;
    if (msg.type === "warm") {
      await warmUp();
      scope.postMessage({ type: "warm" });
      return;
    }
    let reply: FromWorker;
    try {
      const result = await run(msg.job);
      reply = { type: "done", id: msg.id, result, memory: memory() };
    } catch (err) {
      scope.postMessage({ type: "failed", id: msg.id, error: errorData(err), memory: memory() });
      return;
    }
    try {
      scope.postMessage(reply, buffersOf(reply.result));
    } catch {
      // A buffer that cannot be detached (a view into wasm memory): copied instead.
      scope.postMessage(reply);
    }
  };
}

function heapBytes(): number {
  const m = Deno.memoryUsage();
  return m.heapTotal + m.external;
}
