/// <reference lib="deno.worker" />
/**
 * The load generator runs in a worker, on its own thread: in the server's isolate it would take
 * the event loop from the server it measures.
 */
type Job = { url: string; concurrency: number; ms: number };

self.onmessage = async (e: MessageEvent<Job>) => {
  const { url, concurrency, ms } = e.data;
  const end = performance.now() + ms;
  let ok = 0, failed = 0, bytes = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < end) {
      const res = await fetch(url);
      const body = await res.arrayBuffer();
      if (res.status === 200) {
        ok++;
        bytes += body.byteLength;
      } else {
        failed++;
      }
    }
  }));
  self.postMessage({ ok, failed, bytes });
};
