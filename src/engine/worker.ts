/// <reference lib="deno.worker" />
// The entry point of each pool Worker: it inherits the process's permissions and loads the
// codecs once, on first use (or when the pool asks it to warm up after the server listens).
import { workerMemoryBytes } from "./wasm_memory.ts";
import { serveJobs } from "./worker_loop.ts";

serveJobs(self, undefined, workerMemoryBytes);
