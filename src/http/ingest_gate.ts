import type { MiddlewareHandler } from "hono";
import { Limiter } from "../transform/limiter.ts";
import { AppError } from "./app_error.ts";

/**
 * Bounds memory under concurrent uploads: only `concurrency` requests read, decode and store
 * their files at once. The others wait with their bodies still unread in the socket, and past
 * the queue a request is refused at once with 503 and Retry-After.
 */
export function ingestGate(opts: { concurrency: number; queue: number }): MiddlewareHandler {
  const limiter = new Limiter({ ...opts, retryAfterSeconds: 2 });
  return async (c, next) => {
    if (c.req.method !== "POST") return await next();
    try {
      await limiter.run(() => next());
    } catch (err) {
      if (err instanceof AppError && err.code === "overloaded") {
        throw new AppError(
          "overloaded",
          "The server is busy storing other uploads; this one was not started.",
          {
            type: "retry",
            seconds: 2,
          },
        );
      }
      throw err;
    }
  };
}
