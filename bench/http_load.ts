export type Load = { ok: number; failed: number; bytes: number; rps: number };

/** GETs `url` from `concurrency` loops in a worker for `ms` milliseconds. */
export function load(url: string, concurrency = 16, ms = 3000): Promise<Load> {
  const worker = new Worker(new URL("./http_load_worker.ts", import.meta.url), { type: "module" });
  return new Promise<Load>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<Omit<Load, "rps">>) => {
      worker.terminate();
      resolve({ ...e.data, rps: e.data.ok / (ms / 1000) });
    };
    worker.onerror = (e) => {
      worker.terminate();
      reject(e.error ?? new Error(e.message));
    };
    worker.postMessage({ url, concurrency, ms });
  });
}
