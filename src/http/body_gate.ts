import type { Context, MiddlewareHandler } from "hono";
import type { Config } from "../config.ts";
import { Limiter } from "./limiter.ts";
import { AppError } from "../../domain/errors.ts";
import { type BodyRate, readBody, replayBody } from "./body_rate.ts";
import { type Caller, maxBytesFor } from "./caller.ts";
import type { AppDeps } from "./types.ts";

/** Room for the multipart framing and text fields next to the file (as routes/upload.ts). */
const FORM_OVERHEAD_BYTES = 256 * 1024;
/** Before the first rate window: connection set-up and a client's slow first write. */
const RATE_GRACE_MS = 1_000;

/** Uploads one caller may have read at once: a quarter of the reading places. */
export const perCallerShare = (config: Config) =>
  Math.max(1, Math.floor(config.ingest.readConcurrency / 4));

export const bodyGateOptions = (config: Config): BodyGateOptions => ({
  readConcurrency: config.ingest.readConcurrency,
  readBufferBytes: config.ingest.readBufferBytes,
  queue: config.ingest.queue,
  perCaller: perCallerShare(config),
  maxInFlight: config.ingest.concurrency + config.ingest.queue,
  bodyTimeoutMs: config.ingest.bodyTimeoutMs,
  rate: {
    minBytesPerSecond: config.ingest.minBytesPerSecond,
    windowMs: config.ingest.rateWindowMs,
    graceMs: Math.min(RATE_GRACE_MS, config.ingest.rateWindowMs),
  },
});

/** The most of a body worth reading for this caller: past it, the route answers 413. */
export const bodyCap = (deps: AppDeps, caller: Caller) =>
  maxBytesFor(caller, deps.config) + FORM_OVERHEAD_BYTES;

export type BodyGateOptions = {
  /** Bodies read and held at once (reading, waiting for an ingest slot, or in one). */
  readConcurrency: number;
  /** Bytes those bodies may hold together, reserved by their declared length before reading. */
  readBufferBytes: number;
  /** Requests that may wait, bodies unread, for a reading place; past it 503. */
  queue: number;
  /**
   * Uploads one caller (an API key's account, or an anonymous client) may have in the gate at
   * once; as many more wait their turn outside it, and past that 503. Without it one client's
   * trickling bodies could take every reading place and stall everyone else's uploads.
   */
  perCaller: number;
  /**
   * Uploads in flight at most, from arrival to answer (the ingest slots plus their queue), so
   * that reading ahead refuses exactly what the ingest gate would have refused on arrival.
   */
  maxInFlight: number;
  bodyTimeoutMs: number;
  rate: BodyRate;
};

/**
 * Reads an upload's body whole before the ingest gate hands it a slot, so the slots go to
 * decoding and a client that trickles its body holds none (a slow body is cut with 408 by
 * readBody). Memory stays bounded: at most `readConcurrency` bodies are held in memory, from the
 * first byte read until the request ends; the requests beyond it wait with their bodies unread
 * in the socket, as they did in front of the ingest gate, and past the queue get 503.
 *
 * `capOf` is the most a body may hold for this caller; reading stops just past it and the
 * route's own limit answers 413.
 */
export function bodyGate(
  opts: BodyGateOptions,
  capOf: (c: Context) => number,
  callerOf: (c: Context) => string,
): MiddlewareHandler {
  const readers = new Limiter({
    concurrency: opts.readConcurrency,
    queue: opts.queue,
    retryAfterSeconds: 2,
  });
  const buffer = new ByteBudget(opts.readBufferBytes);
  const callers = new CallerShares(opts.perCaller);
  let inFlight = 0;
  return async (c, next) => {
    if (c.req.method !== "POST" || !c.req.raw.body) return await next();
    // A declared length over the cap is refused by the route from the header alone.
    const declared = Number(c.req.header("content-length") ?? -1);
    if (declared > capOf(c)) return await next();
    await callers.run(callerOf(c), () => admitted(c, next, declared));
  };

  async function admitted(c: Context, next: () => Promise<void>, declared: number) {
    // Checked here rather than caught from readers.run, whose refusal speaks of transforms.
    const full = readers.running >= opts.readConcurrency && readers.waiting >= opts.queue;
    if (full || inFlight >= opts.maxInFlight) throw busy();
    inFlight++;
    try {
      await readers.run(async () => {
        const cap = capOf(c);
        // Reserved before the first byte is read: the wait happens with the body in the socket.
        // A body of unknown length reserves a fair share and grows only into what is free, so
        // one chunked body cannot hold the whole budget while it trickles.
        const fair = Math.ceil(opts.readBufferBytes / opts.readConcurrency);
        let reserved = await buffer.take(
          declared >= 0 ? Math.min(declared, cap) : Math.min(fair, cap),
        );
        const mayHold = (bytes: number) => {
          if (bytes <= reserved || declared >= 0) return null;
          const more = Math.min(Math.max(bytes - reserved, GROW_BYTES), cap - reserved);
          if (!buffer.tryTake(more)) return unknownLengthBusy();
          reserved += more;
          return null;
        };
        try {
          const body = await readBody(c.req.raw.body!, {
            cap,
            timeoutMs: opts.bodyTimeoutMs,
            rate: opts.rate,
            mayHold,
          });
          c.req.raw = new Request(c.req.raw, {
            body: replayBody(body),
            duplex: "half",
          } as RequestInit);
          await next();
        } finally {
          buffer.give(reserved);
        }
      });
    } finally {
      inFlight--;
    }
  }
}

/** A body of unknown length grows its reservation by at least this much at a time. */
const GROW_BYTES = 1024 * 1024;

const unknownLengthBusy = () =>
  new AppError(
    "overloaded",
    "The server is holding many upload bodies, and this one came without a Content-Length, " +
      "so no room could be kept for it. It was not stored.",
    { retryAfter: 2 },
  );

const busy = () =>
  new AppError(
    "overloaded",
    "The server is busy storing other uploads; this one was not started.",
    { retryAfter: 2 },
  );

/** Per-caller limiters, dropped when idle so the map holds only callers with uploads in flight. */
class CallerShares {
  #limiters = new Map<string, Limiter>();

  constructor(private readonly share: number) {}

  async run(caller: string, work: () => Promise<void>): Promise<void> {
    let limiter = this.#limiters.get(caller);
    if (!limiter) {
      limiter = new Limiter({ concurrency: this.share, queue: this.share, retryAfterSeconds: 2 });
      this.#limiters.set(caller, limiter);
    }
    // Checked here, so that a refusal from inside `work` (the gate is full) passes unchanged.
    if (limiter.running >= this.share && limiter.waiting >= this.share) {
      throw tooManyAtOnce(this.share);
    }
    try {
      await limiter.run(work);
    } finally {
      if (limiter.running === 0 && limiter.waiting === 0) this.#limiters.delete(caller);
    }
  }
}

const tooManyAtOnce = (share: number) =>
  new AppError(
    "overloaded",
    `Too many of your uploads are arriving at once; at most ${share} are read at a time and ` +
      `${share} more wait. This one was not started.`,
    { retryAfter: 2 },
  );

/**
 * Bytes handed out first come, first served. A reservation larger than the whole budget is cut
 * to it, so one large body can always proceed on its own.
 */
class ByteBudget {
  #free: number;
  #waiting: { bytes: number; go: () => void }[] = [];

  constructor(private readonly total: number) {
    this.#free = total;
  }

  async take(bytes: number): Promise<number> {
    const n = Math.min(Math.max(0, bytes), this.total);
    if (this.#waiting.length === 0 && n <= this.#free) {
      this.#free -= n;
      return n;
    }
    await new Promise<void>((go) => this.#waiting.push({ bytes: n, go }));
    return n;
  }

  /** Takes `bytes` now if they are free, waiting for nothing (a body already being read). */
  tryTake(bytes: number): boolean {
    if (bytes > this.#free) return false;
    this.#free -= bytes;
    return true;
  }

  give(bytes: number) {
    this.#free += bytes;
    while (this.#waiting.length && this.#waiting[0].bytes <= this.#free) {
      const next = this.#waiting.shift()!;
      this.#free -= next.bytes;
      next.go();
    }
  }
}
