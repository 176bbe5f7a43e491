import type { Job, JobKind, JobResults } from "./jobs.ts";

/** The buffers a job or result carries, each once: what postMessage transfers instead of copying. */
export function buffersOf(value: Job | JobResults[JobKind]): ArrayBuffer[] {
  const views = "kind" in value
    ? [value.kind === "ingest" ? value.bytes : value.source.bytes]
    : [value.bytes];
  const out = new Set<ArrayBuffer>();
  for (const v of views) if (v.buffer instanceof ArrayBuffer) out.add(v.buffer);
  return [...out];
}

/**
 * The job's bytes alone in their buffer, so transferring it detaches nothing else (a view into
 * a larger parser buffer is copied once; a whole buffer is handed over as it is).
 */
export function owned(bytes: Uint8Array): Uint8Array {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength &&
    bytes.buffer instanceof ArrayBuffer;
  return whole ? bytes : bytes.slice();
}
