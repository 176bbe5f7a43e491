import { AppError } from "../../domain/errors.ts";

const MESSAGES = {
  queue: "The server is busy finding the subjects of other images; this one was not started.",
  deadline: "This image's mask or faces are still being computed; retry shortly for the result.",
  restarted: "The image analysis stopped answering and was restarted; retry shortly.",
};

/** 503 overloaded for vision work: the queue is full, or the mask is not ready in time. */
export function visionBusy(
  seconds: number,
  why: "queue" | "deadline" | "restarted",
): AppError {
  return new AppError(
    "overloaded",
    MESSAGES[why],
    { retryAfter: seconds },
  );
}
