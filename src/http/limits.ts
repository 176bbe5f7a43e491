import type { MiddlewareHandler } from "hono";
import { usageOf } from "../accounts/mod.ts";
import { toUnixSeconds } from "../clock.ts";
import { AppError } from "../../domain/errors.ts";
import type { AppDeps, AppEnv } from "./types.ts";

/**
 * Anonymous uploads and imports per client (SPEC §4): a place is taken before the work, so a
 * burst cannot pass the limit, and given back unless the request created an image.
 */
export function anonIngestLimit(deps: AppDeps): MiddlewareHandler<AppEnv> {
  const windows = [
    { seconds: 3600, limit: deps.config.rateLimits.anonPerHour },
    { seconds: 86_400, limit: deps.config.rateLimits.anonPerDay },
  ];
  return async (c, next) => {
    const caller = c.get("caller");
    if (caller.kind !== "anonymous" || c.req.method !== "POST") return await next();
    const attempt = await deps.rateLimiter.reserve(
      "ingest",
      caller.client,
      windows,
      deps.clock.now(),
    );
    if (!attempt.ok) {
      throw new AppError(
        "rate_limited",
        `Anonymous limit reached: ${windows[0].limit} per hour, ${windows[1].limit} per day.`,
        { retryAfter: attempt.wait },
      );
    }
    try {
      await next();
    } finally {
      // Only uploads that created an image count; a refusal or a replayed answer is free,
      // except a body cut for arriving too slowly (408): trickling must cost the trickler.
      const counts = c.res.status === 201 || c.res.status === 408;
      if (!counts || c.res.headers.get("Idempotent-Replayed") === "true") {
        await attempt.refund();
      }
    }
  };
}

/** Keyed responses tell the caller where they stand (SPEC §4). */
export function quotaHeaders(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    const caller = c.get("caller");
    if (caller?.kind !== "account" || !c.req.path.startsWith("/v1/")) return;
    const doc = await deps.accounts.get(caller.accountId);
    if (!doc) return;
    const usage = usageOf(doc, deps.config, toUnixSeconds(deps.clock.now()));
    c.header("X-Quota-Uploads-Used", String(usage.uploads_used));
    c.header("X-Quota-Uploads-Limit", String(usage.uploads_limit));
    c.header("X-Quota-Storage-Used", String(usage.storage_used_bytes));
  };
}
