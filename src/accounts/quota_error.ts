import { nextPlan, type PlanName } from "../../domain/account/plans.ts";
import type { DomainError } from "../../domain/errors.ts";
import type { Config } from "../config.ts";
import { AppError } from "../http/app_error.ts";
import { upgradeUrl } from "./upgrade_links.ts";

const money = (n: number) => `$${n}/mo`;

/** A quota refusal with the usage behind it and the way out: the next plan, or a human. */
export async function quotaError(
  err: DomainError,
  ctx: { config: Config; secret: string; accountId: string; nowSeconds: number },
): Promise<AppError> {
  const usage = err.details ?? {};
  const current = (usage.plan as PlanName | undefined) ?? "free";
  const next = nextPlan(current);
  const code = err.code === "storage_exceeded" ? "storage_exceeded" : "quota_exceeded";
  if (!next) {
    return new AppError(code, err.message, {
      type: "contact",
      url: `${ctx.config.publicUrl}/contact`,
    }, { usage });
  }
  const plan = ctx.config.plans[next];
  const what = code === "storage_exceeded"
    ? `${Math.round(plan.storage / 1e9).toLocaleString("en")} GB of storage`
    : `${plan.uploads.toLocaleString("en")} uploads`;
  const name = next[0].toUpperCase() + next.slice(1);
  return new AppError(code, err.message, {
    type: "upgrade",
    url: await upgradeUrl(ctx.config.publicUrl, ctx.secret, ctx.accountId, next, ctx.nowSeconds),
    label: `Upgrade to ${name} (${money(plan.price)}) for ${what}`,
  }, { usage });
}
