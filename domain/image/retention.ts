import { AppError } from "../errors.ts";

export const TTL_MIN_SECONDS = 300;
export const TTL_MAX_SECONDS = 90 * 86_400;
const UNIT_SECONDS = { m: 60, h: 3600, d: 86_400 } as const;

/** `ttl` is whole seconds or a duration like `5m`, `2h`, `7d` (SPEC §3). */
export function parseTtl(raw: string): number {
  const text = raw.trim();
  const match = /^(\d{1,9})([mhd])?$/.exec(text);
  if (!match) {
    throw new AppError("validation_error", `ttl "${raw}" is not a duration.`, {
      field: "ttl",
      hint: "Give seconds (at least 300) or a duration such as 5m, 2h or 7d.",
    });
  }
  const unit = match[2] as keyof typeof UNIT_SECONDS | undefined;
  const seconds = Number(match[1]) * (unit ? UNIT_SECONDS[unit] : 1);
  if (seconds < TTL_MIN_SECONDS || seconds > TTL_MAX_SECONDS) {
    throw new AppError("validation_error", `ttl ${raw} is out of range.`, {
      field: "ttl",
      hint: `ttl must be between ${TTL_MIN_SECONDS} seconds (5m) and 90 days (90d).`,
    });
  }
  return seconds;
}

/**
 * When an image stops being served. Anonymous images always expire, at most after the
 * anonymous retention; keyed images are permanent unless a ttl is given.
 */
export function expiryFor(
  input: { owner: string | null; ttlSeconds?: number; now: number; anonRetentionSeconds: number },
): number | null {
  const { owner, ttlSeconds, now, anonRetentionSeconds } = input;
  if (owner !== null) return ttlSeconds === undefined ? null : now + ttlSeconds;
  if (ttlSeconds !== undefined && ttlSeconds > anonRetentionSeconds) {
    const days = Math.floor(anonRetentionSeconds / 86_400);
    throw new AppError("validation_error", `Anonymous images are kept at most ${days} days.`, {
      field: "ttl",
      hint:
        `Use a ttl of at most ${days}d, or upload with an API key to keep images longer or forever.`,
    });
  }
  return now + (ttlSeconds ?? anonRetentionSeconds);
}
