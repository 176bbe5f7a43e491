import type { Decider } from "../decider.ts";
import { AppError } from "../errors.ts";
import type { AccountEvent, AccountRegistered, ApiKeyCreated, EmailEvent } from "./events.ts";
import { periodOf, type Plan, PLAN_NAMES, type PlanName } from "./plans.ts";

export const MAX_ACTIVE_KEYS = 25;

export type ApiKeyState = {
  name: string;
  key_hash: string;
  prefix: string;
  created_at: number;
  revoked_at?: number;
};

export type AccountState =
  | { status: "absent" }
  | {
    status: "active";
    account_id: string;
    plan: PlanName;
    keys: Record<string, ApiKeyState>;
    /** Uploads counted in `period` only; a new calendar month starts from zero. */
    period: string;
    uploads: number;
    storage: number;
  };

export type AccountCommand =
  | { type: "Register"; data: AccountRegistered }
  | { type: "CreateApiKey"; data: ApiKeyCreated }
  | { type: "RevokeApiKey"; key_id: string; now: number }
  /** `upgradeOnly`: a signed upgrade link may move an account up, never down. */
  | { type: "ChangePlan"; to: PlanName; now: number; upgradeOnly?: boolean }
  | {
    type: "ConsumeQuota";
    image_id: string;
    bytes: number;
    now: number;
    plans: Record<PlanName, Plan>;
  }
  | { type: "ReleaseStorage"; image_id: string; bytes: number };

/** A key id is caller input: "constructor" or "toString" must not find Object's members. */
const ownKey = (keys: Record<string, ApiKeyState>, id: string) =>
  Object.hasOwn(keys, id) ? keys[id] : undefined;

export const initialAccountState = (): AccountState => ({ status: "absent" });

export function evolveAccount(state: AccountState, event: AccountEvent): AccountState {
  if (event.type === "AccountRegistered") {
    const d = event.data;
    return {
      status: "active",
      account_id: d.account_id,
      plan: d.plan,
      keys: {},
      period: "",
      uploads: 0,
      storage: 0,
    };
  }
  if (state.status === "absent") return state;
  switch (event.type) {
    case "ApiKeyCreated": {
      const { key_id, name, key_hash, prefix, created_at } = event.data;
      return {
        ...state,
        keys: { ...state.keys, [key_id]: { name, key_hash, prefix, created_at } },
      };
    }
    case "ApiKeyRevoked": {
      const key = ownKey(state.keys, event.data.key_id);
      if (!key) return state;
      return {
        ...state,
        keys: { ...state.keys, [event.data.key_id]: { ...key, revoked_at: event.data.revoked_at } },
      };
    }
    case "PlanChanged":
      return { ...state, plan: event.data.to };
    case "QuotaConsumed": {
      const fresh = event.data.period !== state.period;
      return {
        ...state,
        period: event.data.period,
        uploads: (fresh ? 0 : state.uploads) + 1,
        storage: state.storage + event.data.bytes,
      };
    }
    case "StorageReleased":
      return { ...state, storage: Math.max(0, state.storage - event.data.bytes) };
  }
}

/** Usage as the caller sees it at `now`: a past period's uploads no longer count. */
export function usageAt(state: AccountState & { status: "active" }, now: number) {
  return { uploads: state.period === periodOf(now) ? state.uploads : 0, storage: state.storage };
}

export function decideAccount(command: AccountCommand, state: AccountState): AccountEvent[] {
  if (command.type === "Register") {
    if (state.status !== "absent") {
      throw new AppError("already_exists", "This account already exists.");
    }
    return [{ type: "AccountRegistered", data: command.data }];
  }
  if (state.status === "absent") throw new AppError("not_found", "No such account.");
  switch (command.type) {
    case "CreateApiKey": {
      const active = Object.values(state.keys).filter((k) => k.revoked_at === undefined).length;
      if (active >= MAX_ACTIVE_KEYS) {
        throw new AppError(
          "validation_error",
          `An account can have at most ${MAX_ACTIVE_KEYS} active keys.`,
          { field: "name", hint: "Revoke a key you no longer use, then create the new one." },
        );
      }
      return [{ type: "ApiKeyCreated", data: command.data }];
    }
    case "RevokeApiKey": {
      const key = ownKey(state.keys, command.key_id);
      if (!key) {
        throw new AppError("not_found", `No key ${command.key_id} on this account.`, {
          hint: "List your keys with GET /v1/keys.",
        });
      }
      if (key.revoked_at !== undefined) return [];
      return [{
        type: "ApiKeyRevoked",
        data: { key_id: command.key_id, key_hash: key.key_hash, revoked_at: command.now },
      }];
    }
    case "ChangePlan":
      if (command.to === state.plan) return [];
      if (command.upgradeOnly && PLAN_NAMES.indexOf(command.to) < PLAN_NAMES.indexOf(state.plan)) {
        return [];
      }
      return [{ type: "PlanChanged", data: { from: state.plan, to: command.to, at: command.now } }];
    case "ConsumeQuota": {
      const { bytes, now } = command;
      const plan = command.plans[state.plan];
      const usage = usageAt(state, now);
      const details = {
        plan: plan.name,
        uploads_used: usage.uploads,
        uploads_limit: plan.uploads,
        storage_used_bytes: usage.storage,
        storage_limit_bytes: plan.storage,
      };
      if (usage.uploads + 1 > plan.uploads) {
        throw new AppError(
          "quota_exceeded",
          `Monthly upload limit reached (${usage.uploads} of ${plan.uploads}).`,
          { extra: { usage: details } },
        );
      }
      if (usage.storage + bytes > plan.storage) {
        throw new AppError(
          "storage_exceeded",
          `Storage limit reached: this file needs ${bytes} bytes and ${
            plan.storage - usage.storage
          } are left.`,
          { extra: { usage: details } },
        );
      }
      return [{
        type: "QuotaConsumed",
        data: { image_id: command.image_id, period: periodOf(now), bytes },
      }];
    }
    case "ReleaseStorage":
      return [{
        type: "StorageReleased",
        data: { image_id: command.image_id, bytes: command.bytes },
      }];
  }
}

export const accountDecider: Decider<AccountState, AccountCommand, AccountEvent> = {
  initialState: initialAccountState,
  evolve: evolveAccount,
  decide: decideAccount,
};

/** `email-{hmac}`: the first account to claim an address keeps it. */
export type EmailClaimState = { claimed_by: string | null };
export type ClaimEmail = { type: "ClaimEmail"; account_id: string };
export const emailClaimDecider: Decider<EmailClaimState, ClaimEmail, EmailEvent> = {
  initialState: () => ({ claimed_by: null }),
  evolve: (_s, e) => ({ claimed_by: e.data.account_id }),
  decide: (c, s) => {
    if (s.claimed_by !== null) {
      throw new AppError("already_exists", "An account with this e-mail address already exists.", {
        field: "email",
        hint: "Log in instead, or use another address.",
      });
    }
    return [{ type: "EmailClaimed", data: { account_id: c.account_id } }];
  },
};
