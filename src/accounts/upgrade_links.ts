import type { PlanName } from "../../domain/account/plans.ts";
import { hmacHex, timingSafeEqual } from "../crypto.ts";

export const UPGRADE_LINK_TTL_SECONDS = 7 * 86_400;

const message = (account: string, plan: string, exp: number) =>
  `upgrade\n${account}\n${plan}\n${exp}`;

/** `/upgrade/{plan}?account=…&exp=…&sig=…`: bound to the account and plan, and time-limited. */
export async function upgradeUrl(
  publicUrl: string,
  secret: string,
  account: string,
  plan: PlanName,
  nowSeconds: number,
): Promise<string> {
  const exp = nowSeconds + UPGRADE_LINK_TTL_SECONDS;
  const sig = await hmacHex(secret, message(account, plan, exp));
  const q = new URLSearchParams({ account, exp: String(exp), sig });
  return `${publicUrl}/upgrade/${plan}?${q}`;
}

export async function verifyUpgrade(
  secret: string,
  input: { account: string; plan: string; exp: string; sig: string },
  nowSeconds: number,
): Promise<"ok" | "expired" | "invalid"> {
  const exp = Number(input.exp);
  if (!Number.isInteger(exp)) return "invalid";
  const expected = await hmacHex(secret, message(input.account, input.plan, exp));
  if (!timingSafeEqual(expected, input.sig)) return "invalid";
  return exp < nowSeconds ? "expired" : "ok";
}
