import type { MiddlewareHandler } from "hono";
import { usageOf } from "../accounts/usage.ts";
import { toUnixSeconds } from "../clock.ts";
import { AppError } from "./app_error.ts";
import type { AppDeps, AppEnv } from "./types.ts";

/**
 * Anonymous uploads and imports per client (SPEC §4): checked before the work, counted after a
 * 201 that created something (a replayed Idempotency-Key response is free).
 */
export function anonIngestLimit(deps: AppDeps): MiddlewareHandler<AppEnv> {
  const windows = [
    { seconds: 3600, limit: deps.config.rateLimits.anonPerHour },
    { seconds: 86_400, limit: deps.config.rateLimits.anonPerDay },
  ];
  return async (c, next) => {
    const caller = c.get("caller");
    if (caller.kind !== "anonymous" || c.req.method !== "POST") return await next();
    const now = deps.clock.now();
    const wait = await deps.rateLimiter.blockedFor("ingest", caller.client, windows, now);
    if (wait > 0) {
      throw new AppError(
        "rate_limited",
        `Anonymous limit reached: ${windows[0].limit} per hour, ${windows[1].limit} per day.`,
        {
          type: "wait",
          seconds: wait,
        },
      );
    }
    await next();
    if (c.res.status === 201 && c.res.headers.get("Idempotent-Replayed") !== "true") {
      await deps.rateLimiter.hit("ingest", caller.client, windows.map((w) => w.seconds), now);
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
