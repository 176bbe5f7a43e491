import { AppError } from "../../domain/errors.ts";
import { bodyInterruptedError, bodyTimeoutError } from "./ingest_gate.ts";

/** The slowest a request body may arrive: `minBytesPerSecond` over every `windowMs`. */
export type BodyRate = { minBytesPerSecond: number; windowMs: number; graceMs: number };

/** A body read whole (up to a cap), as the chunks it arrived in. */
export type ReadBody = {
  chunks: Uint8Array[];
  bytes: number;
  /** Set when the cap was passed: the unread rest, for the reader that refuses it (413). */
  rest: ReadableStreamDefaultReader<Uint8Array> | null;
};

/**
 * Reads a request body before any ingest slot is taken, so a slow client holds nothing but its
 * own connection. Three ways out besides the end of the body:
 * - the body arrives slower than the rate (after `graceMs`, each window must bring
 *   `minBytesPerSecond × windowMs` bytes): 408 `request_timeout`;
 * - the whole body misses `timeoutMs`: 422 `validation_error` (field `body`), as before;
 * - the source errors (client gone): 422 `validation_error` (field `body`).
 * Reading stops after `cap` bytes: the caller's size limit then refuses the body (413) from
 * what was read, and the rest is never buffered.
 */
export async function readBody(
  source: ReadableStream<Uint8Array>,
  opts: {
    cap: number;
    timeoutMs: number;
    rate: BodyRate;
    /** Asked after each chunk (within the cap) whether this many bytes may be held. */
    mayHold?: (bytes: number) => AppError | null;
  },
): Promise<ReadBody> {
  const reader = source.getReader();
  const out: ReadBody = { chunks: [], bytes: 0, rest: null };
  const { minBytesPerSecond, windowMs, graceMs } = opts.rate;
  const perWindow = (minBytesPerSecond * windowMs) / 1000;
  let failure: AppError | null = null;
  const timers: ReturnType<typeof setTimeout>[] = [];
  const fail = (error: AppError) => {
    failure ??= error;
    reader.cancel(error).catch(() => {});
  };
  timers.push(setTimeout(() => fail(bodyTimeoutError(opts.timeoutMs)), opts.timeoutMs));
  if (minBytesPerSecond > 0) {
    let mark = 0;
    const check = () => {
      if (out.bytes - mark < perWindow) return fail(tooSlowError(opts.rate));
      mark = out.bytes;
      timers.push(setTimeout(check, windowMs));
    };
    // The first window starts after the grace: connection set-up and a slow first write.
    timers.push(setTimeout(() => {
      mark = out.bytes;
      timers.push(setTimeout(check, windowMs));
    }, graceMs));
  }
  try {
    while (true) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch {
        throw failure ?? bodyInterruptedError();
      }
      if (failure) throw failure;
      if (chunk.done) break;
      out.chunks.push(chunk.value);
      out.bytes += chunk.value.length;
      if (out.bytes > opts.cap) {
        out.rest = reader;
        break;
      }
      const refusal = opts.mayHold?.(out.bytes);
      if (refusal) throw refusal;
    }
    return out;
  } catch (error) {
    reader.cancel(error).catch(() => {});
    throw error;
  } finally {
    for (const t of timers) clearTimeout(t);
  }
}

/**
 * The read body as a stream for the route, handing each chunk over once: the buffer shrinks as
 * the route consumes it, so a body is never held twice.
 */
export function replayBody(read: ReadBody): ReadableStream<Uint8Array> {
  const { chunks, rest } = read;
  let next = 0;
  return new ReadableStream<Uint8Array>({
    async pull(c) {
      if (next < chunks.length) {
        const chunk = chunks[next];
        chunks[next++] = EMPTY;
        c.enqueue(chunk);
        return;
      }
      if (!rest) return c.close();
      try {
        const r = await rest.read();
        if (r.done) c.close();
        else c.enqueue(r.value);
      } catch {
        c.error(bodyInterruptedError());
      }
    },
    cancel(reason) {
      chunks.length = 0;
      return rest?.cancel(reason);
    },
  });
}

const EMPTY = new Uint8Array(0);

export function tooSlowError(rate: BodyRate): AppError {
  const kib = Math.round(rate.minBytesPerSecond / 1024);
  return new AppError(
    "request_timeout",
    `The request body arrived slower than ${kib} KiB/s over ${rate.windowMs / 1000} s, so the ` +
      "upload was stopped. It counts against the anonymous upload limit.",
    { retryAfter: 5 },
  );
}
