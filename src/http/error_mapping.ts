import { nextPlan, type PlanName } from "../../domain/account/plans.ts";
import type { AppError, AppErrorCode, ErrorCode } from "../../domain/errors.ts";
import { upgradeUrl } from "../accounts/mod.ts";
import type { Clock } from "../clock.ts";
import type { Config } from "../config.ts";
import { formatBytes } from "../format_bytes.ts";
import { registerUrl } from "../images/mod.ts";
import { toUnixSeconds } from "../clock.ts";
import { type Action, ERROR_STATUS } from "./error_catalogue.ts";

/** What the mapping needs to build links: upgrade links are signed and bound to the account. */
export type ErrorContext = { config: Config; secret: string; clock: Clock };

/** An error as the caller receives it: the status, the SPEC §7 envelope and its headers. */
export type Problem = {
  status: number;
  code: ErrorCode;
  message: string;
  action: Action;
  body: Record<string, unknown>;
  headers: Record<string, string>;
};

type Rule = {
  /** The catalogue code a caller sees, when the service's own code is internal. */
  as?: ErrorCode;
  /** Advice when the refusal did not give its own. */
  hint?: (err: AppError) => string;
  field?: string;
};

// The one mapping table: where a code's envelope differs from "fix, with the refusal's hint".
const RULES: Partial<Record<AppErrorCode, Rule>> = {
  already_exists: { as: "validation_error" },
  not_due: { as: "internal_error" },
  not_found: { hint: () => "Check the id." },
  gone: { hint: () => "Upload the image again." },
  precondition_failed: {
    field: "If-Match",
    hint: () => "Fetch the image again and retry with its current ETag.",
  },
};

const RETRIED = new Set<ErrorCode>([
  "overloaded",
  "request_timeout",
  "store_unavailable",
  "internal_error",
]);

const REGISTER_LABEL: Partial<Record<ErrorCode, (config: Config) => string>> = {
  unauthorized: () => "Create a free account, then an API key",
  file_too_large: (config) =>
    `Create a free account to upload up to ${formatBytes(config.limits.accountMaxBytes)}`,
};

const money = (n: number) => `$${n}/mo`;

/** The way out of a plan limit: the next plan's one-click upgrade link, or a human. */
async function planAction(
  code: "quota_exceeded" | "storage_exceeded",
  err: AppError,
  accountId: string | undefined,
  ctx: ErrorContext,
): Promise<Action> {
  const usage = (err.details.extra?.usage ?? {}) as { plan?: PlanName };
  const next = nextPlan(usage.plan ?? "free");
  if (!next || !accountId) return { type: "contact", url: `${ctx.config.publicUrl}/contact` };
  const plan = ctx.config.plans[next];
  const what = code === "storage_exceeded"
    ? `${Math.round(plan.storage / 1e9).toLocaleString("en")} GB of storage`
    : `${plan.uploads.toLocaleString("en")} uploads`;
  const name = next[0].toUpperCase() + next.slice(1);
  const now = toUnixSeconds(ctx.clock.now());
  return {
    type: "upgrade",
    url: await upgradeUrl(ctx.config.publicUrl, ctx.secret, accountId, next, now),
    label: `Upgrade to ${name} (${money(plan.price)}) for ${what}`,
  };
}

async function actionFor(
  code: ErrorCode,
  err: AppError,
  accountId: string | undefined,
  ctx: ErrorContext,
): Promise<Action> {
  const { details } = err;
  if (code === "quota_exceeded" || code === "storage_exceeded") {
    return await planAction(code, err, accountId, ctx);
  }
  if (code === "rate_limited") return { type: "wait", seconds: details.retryAfter ?? 60 };
  if (RETRIED.has(code) || details.retryAfter !== undefined) {
    return { type: "retry", seconds: details.retryAfter ?? 1 };
  }
  const label = REGISTER_LABEL[code];
  if (details.register && label) {
    return { type: "register", url: registerUrl(ctx.config.publicUrl), label: label(ctx.config) };
  }
  const rule = RULES[err.code];
  const field = details.field ?? rule?.field;
  const hint = details.hint ?? rule?.hint?.(err) ?? err.message;
  return { type: "fix", ...(field ? { field } : {}), hint };
}

/**
 * The one place a code becomes what the caller sees. Internal codes (a refusal only the service
 * acts on) never leak: they answer as their public twin, and "not due" as a fault on our side.
 */
export async function problemOf(
  err: AppError,
  ctx: ErrorContext,
  accountId?: string,
): Promise<Problem> {
  const code = RULES[err.code]?.as ?? (err.code as ErrorCode);
  const message = err.code === "not_due" ? "Something went wrong on our side." : err.message;
  const action = await actionFor(code, err, accountId, ctx);
  const headers: Record<string, string> = { "Cache-Control": "no-store" };
  if (action.type === "wait" || action.type === "retry") {
    headers["Retry-After"] = String(action.seconds);
  }
  const body = { error: code, message, action, ...err.details.extra };
  return { status: ERROR_STATUS[code], code, message, action, body, headers };
}
