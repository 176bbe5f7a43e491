/// <reference lib="deno.worker" />
// A pool Worker with two deliberate faults, for the engine's fault tests: a transform with
// blur=13.37 crashes the Worker (an uncaught error, as a wasm abort would be), and one with
// blur=42.42 spins forever (a decoder stuck in a loop). Everything else is the real job.
import { runJob } from "../../src/engine/jobs.ts";
import { serveJobs } from "../../src/engine/worker_loop.ts";

export const CRASH_BLUR = 13.37;
export const SPIN_BLUR = 42.42;

serveJobs(self, (job) => {
  if (job.kind === "transform" && job.params.blur === CRASH_BLUR) {
    setTimeout(() => {
      throw new Error("deliberate crash");
    });
    return new Promise(() => {});
  }
  if (job.kind === "transform" && job.params.blur === SPIN_BLUR) {
    return new Promise(() => {
      setTimeout(() => {
        while (true) { /* the deadline must stop this */ }
      });
    });
  }
  return runJob(job);
});
