export const PLAN_NAMES = ["free", "pro", "scale", "max"] as const;
export type PlanName = (typeof PLAN_NAMES)[number];

export type Plan = { name: PlanName; uploads: number; storage: number; price: number };

const GB = 1_000_000_000;

/** SPEC §4. Every number can be overridden from the environment (src/config.ts). */
export const DEFAULT_PLANS: Record<PlanName, Plan> = {
  free: { name: "free", uploads: 100, storage: 5 * GB, price: 0 },
  pro: { name: "pro", uploads: 1_000, storage: 50 * GB, price: 19 },
  scale: { name: "scale", uploads: 10_000, storage: 500 * GB, price: 49 },
  max: { name: "max", uploads: 100_000, storage: 5_000 * GB, price: 199 },
};

export function nextPlan(plan: PlanName): PlanName | null {
  const i = PLAN_NAMES.indexOf(plan);
  return i < PLAN_NAMES.length - 1 ? PLAN_NAMES[i + 1] : null;
}

/** Quota periods are calendar months in UTC: "2026-11". */
export function periodOf(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().slice(0, 7);
}
