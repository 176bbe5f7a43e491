import type { MiddlewareHandler } from "hono";
import { Limiter } from "./limiter.ts";
import { AppError, fixError } from "../../domain/errors.ts";

/**
 * Bounds memory under concurrent uploads: only `concurrency` requests decode and store their
 * files at once (bodyGate has read the body before; see body_gate.ts). The others wait, and past
 * the queue a request is refused at once with 503 and Retry-After.
 *
 * Inside the slot the body must arrive within `bodyTimeoutMs`: a client that stops sending
 * (slow loris) would otherwise hold the slot for good and stall every upload behind it. The
 * deadline covers reading the body only, not decoding and storing it. A body that breaks off or
 * misses the deadline is the client's doing, so both answer 422 `validation_error` (SPEC §7: the
 * request as sent is unusable, and sending it again whole fixes it), never 500.
 */
export function ingestGate(
  opts: { concurrency: number; queue: number; bodyTimeoutMs: number },
): MiddlewareHandler {
  const limiter = new Limiter({
    concurrency: opts.concurrency,
    queue: opts.queue,
    retryAfterSeconds: 2,
  });
  return async (c, next) => {
    if (c.req.method !== "POST") return await next();
    try {
      await limiter.run(async () => {
        const body = c.req.raw.body;
        if (!body) return await next();
        const guarded = guardBody(body, opts.bodyTimeoutMs);
        c.req.raw = new Request(c.req.raw, { body: guarded.stream, duplex: "half" } as RequestInit);
        try {
          await next();
          // A reader that swallowed the body's failure (a JSON validator answers "Malformed
          // JSON") still gets the envelope that says what happened to the body.
          const failure = guarded.failure();
          if (failure && c.error && c.error !== failure) throw failure;
        } finally {
          guarded.stop();
        }
      });
    } catch (err) {
      if (err instanceof AppError && err.code === "overloaded") {
        throw new AppError(
          "overloaded",
          "The server is busy storing other uploads; this one was not started.",
          {
            retryAfter: 2,
          },
        );
      }
      throw err;
    }
  };
}

export function bodyTimeoutError(ms: number): AppError {
  return fixError(
    "validation_error",
    `The request body did not arrive within ${ms / 1000} s, so the upload was stopped.`,
    "Send the whole body without pausing; on a slow link, send a smaller file or use /v1/import with a URL.",
    "body",
  );
}

export function bodyInterruptedError(): AppError {
  return fixError(
    "validation_error",
    "The upload was interrupted: the request body broke off before it was complete.",
    "Send the request again with the whole body (same Idempotency-Key).",
    "body",
  );
}

/**
 * Passes the body through, erroring it with an AppError when the source fails (client gone) or
 * the deadline passes first. Whoever reads it (a body limit, the multipart parser, a JSON
 * validator) then stops at once, so the slot is released.
 */
function guardBody(source: ReadableStream<Uint8Array>, timeoutMs: number) {
  const reader = source.getReader();
  let failure: AppError | undefined;
  let settled = false;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const fail = (err: AppError) => {
    if (settled) return;
    settled = true;
    failure = err;
    clearTimeout(timer);
    controller.error(err);
    reader.cancel(err).catch(() => {});
  };
  const timer = setTimeout(() => fail(bodyTimeoutError(timeoutMs)), timeoutMs);
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    async pull(c) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch {
        fail(bodyInterruptedError());
        return;
      }
      if (settled) return;
      if (chunk.done) {
        settled = true;
        clearTimeout(timer);
        c.close();
      } else {
        c.enqueue(chunk.value);
      }
    },
    cancel(reason) {
      settled = true;
      clearTimeout(timer);
      return reader.cancel(reason);
    },
  });
  return {
    stream,
    failure: () => failure,
    /** The request is done: no deadline outlives it, and an unread rest is let go. */
    stop() {
      clearTimeout(timer);
      if (!settled) {
        settled = true;
        reader.cancel().catch(() => {});
      }
    },
  };
}
