import type { Action, ErrorCode } from "../http/app_error.ts";

/**
 * What a failed job sends back: plain data that survives structuredClone (a class instance
 * would arrive as a bare object), with a catalogue code the HTTP layer maps to its envelope.
 */
export type EngineErrorData = {
  code: ErrorCode;
  message: string;
  details: { action: Action; extra?: Record<string, unknown> };
};

/** A job's failure on the calling side. `src/http/engine_errors.ts` turns it into an AppError. */
export class EngineError extends Error {
  override name = "EngineError";
  readonly code: ErrorCode;
  readonly details: EngineErrorData["details"];

  constructor(data: EngineErrorData) {
    super(data.message);
    this.code = data.code;
    this.details = data.details;
  }

  toData(): EngineErrorData {
    return { code: this.code, message: this.message, details: this.details };
  }
}

type Coded = { code: ErrorCode; message: string; action: Action; extra?: Record<string, unknown> };

const isCoded = (e: unknown): e is Coded =>
  typeof e === "object" && e !== null && typeof (e as Coded).code === "string" &&
  typeof (e as Coded).message === "string" && typeof (e as Coded).action === "object";

/**
 * Anything a job threw, as data. The imaging code's own refusals (invalid_image, image_too_large,
 * unsupported_format …) keep their code, message and action; anything else is a fault on our
 * side, logged where it happened and answered as internal_error, exactly as inline.
 */
export function errorData(err: unknown): EngineErrorData {
  if (err instanceof EngineError) return err.toData();
  if (isCoded(err)) {
    const extra = err.extra && Object.keys(err.extra).length ? { extra: err.extra } : {};
    return { code: err.code, message: err.message, details: { action: err.action, ...extra } };
  }
  console.error("image job failed:", err);
  return {
    code: "internal_error",
    message: "Something went wrong on our side while processing the image.",
    details: { action: { type: "retry", seconds: 1 } },
  };
}

/** The job was not run: the queue is full, or the engine is shutting down. */
export function notStarted(what: string, seconds: number): EngineError {
  return new EngineError({
    code: "overloaded",
    message: `The server is busy ${what}; this one was not started.`,
    details: { action: { type: "retry", seconds } },
  });
}

/** The job's Worker crashed or overran its deadline; it was replaced, so a retry is safe. */
export function workerLost(
  reason: "crashed" | "timed out" | "stopped",
  seconds: number,
): EngineError {
  const messages = {
    crashed:
      "The image worker handling this request failed and was restarted; the image was not processed.",
    "timed out": "Processing this image took longer than the server allows, so it was stopped.",
    stopped: "The server is restarting, so this image was not finished.",
  };
  return new EngineError({
    code: "overloaded",
    message: messages[reason],
    details: { action: { type: "retry", seconds } },
  });
}
