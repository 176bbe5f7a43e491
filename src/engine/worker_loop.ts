import { type EngineErrorData, errorData } from "./engine_error.ts";
import { type Job, type JobResults, runJob, warmUp } from "./jobs.ts";
import { buffersOf } from "./transfer.ts";

/** main → worker */
export type ToWorker = { type: "job"; id: number; job: Job } | { type: "warm" };
/** worker → main */
export type FromWorker =
  | { type: "done"; id: number; result: JobResults[keyof JobResults] }
  | { type: "failed"; id: number; error: EngineErrorData }
  | { type: "warm" };

type Scope = {
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
};

/**
 * A Worker's side of the pool: one job at a time (the pool never sends a second before the
 * first answers), results transferred back, errors as plain data. `run` is replaceable so a
 * test worker can add jobs that crash or loop on purpose.
 */
export function serveJobs(
  scope: Scope,
  run: (job: Job) => Promise<JobResults[keyof JobResults]> = (job) => runJob(job),
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
      reply = { type: "done", id: msg.id, result: await run(msg.job) };
    } catch (err) {
      scope.postMessage({ type: "failed", id: msg.id, error: errorData(err) });
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
