import { AppError } from "../http/app_error.ts";

/** 503 overloaded for vision work: the queue is full, or the mask is not ready in time. */
export function visionBusy(seconds: number, why: "queue" | "deadline"): AppError {
  return new AppError(
    "overloaded",
    why === "queue"
      ? "The server is busy finding the subjects of other images; this one was not started."
      : "This image's mask or faces are still being computed; retry shortly for the result.",
    { type: "retry", seconds },
  );
}
