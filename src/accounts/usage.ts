import { periodOf } from "../../domain/account/plans.ts";
import type { AccountDoc } from "../../projections/account_read_model.ts";
import type { Config } from "../config.ts";

/** The `usage` object of SPEC §7, as of `nowSeconds` (a new month starts at zero). */
export function usageOf(doc: AccountDoc, config: Config, nowSeconds: number) {
  const plan = config.plans[doc.plan];
  const used = doc.period === periodOf(nowSeconds) ? doc.uploads : 0;
  return {
    plan: doc.plan,
    uploads_used: used,
    uploads_limit: plan.uploads,
    storage_used_bytes: doc.storage,
    storage_limit_bytes: plan.storage,
    period: periodOf(nowSeconds),
  };
}
