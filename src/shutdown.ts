/**
 * SIGINT/SIGTERM: stop accepting connections and jobs, let running work finish briefly, and
 * exit well within the 5 s a supervisor (systemd, Kubernetes, Deploy) usually grants. A second
 * signal, or anything still hanging after the deadline, exits at once.
 */
export function exitOnSignals(
  server: { shutdown(): Promise<void> },
  engine: { shutdown(graceMs: number): Promise<void> },
  opts: { graceMs?: number; hardMs?: number } = {},
): void {
  const { graceMs = 3_000, hardMs = 4_500 } = opts;
  let stopping = false;
  const stop = () => {
    if (stopping) Deno.exit(1);
    stopping = true;
    setTimeout(() => Deno.exit(1), hardMs);
    // The engine first: requests waiting on a job then get their answer (or a 503) and finish.
    Promise.all([engine.shutdown(graceMs), server.shutdown()])
      .then(() => Deno.exit(0), () => Deno.exit(1));
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    try {
      Deno.addSignalListener(signal, stop);
    } catch {
      // A host without signals (Windows lacks SIGTERM) keeps its own lifecycle.
    }
  }
}
