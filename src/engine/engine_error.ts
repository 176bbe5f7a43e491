import { AppError, type ErrorData, retryError } from "../../domain/errors.ts";

/**
 * Anything a job threw, as plain data for the trip back from its Worker (a class instance would
 * arrive as a bare object). The imaging code's own refusals (invalid_image, image_too_large,
 * unsupported_format …) keep their code, message and details; anything else is a fault on our
 * side, logged where it happened and answered as internal_error.
 */
export function errorData(err: unknown): ErrorData {
  if (err instanceof AppError) return err.toData();
  console.error("image job failed:", err);
  return retryError(
    "internal_error",
    "Something went wrong on our side while processing the image.",
    1,
  ).toData();
}

/** The job was not run: the queue is full, or the engine is shutting down. */
export function notStarted(what: string, seconds: number): AppError {
  return retryError("overloaded", `The server is busy ${what}; this one was not started.`, seconds);
}

const LOST = {
  crashed:
    "The image worker handling this request failed and was restarted; the image was not processed.",
  "timed out": "Processing this image took longer than the server allows, so it was stopped.",
  stopped: "The server is restarting, so this image was not finished.",
};

/** The job's Worker crashed or overran its deadline; it was replaced, so a retry is safe. */
export function workerLost(reason: keyof typeof LOST, seconds: number): AppError {
  return retryError("overloaded", LOST[reason], seconds);
}
