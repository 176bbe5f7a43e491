import assert from "node:assert/strict";
import { deciderSpec } from "../testing/decider_spec.ts";
import {
  type AccountCommand,
  accountDecider,
  type AccountState,
  emailClaimDecider,
  MAX_ACTIVE_KEYS,
} from "./decider.ts";
import type { AccountEvent, AccountRegistered, ApiKeyCreated } from "./events.ts";
import { DEFAULT_PLANS, type Plan, type PlanName } from "./plans.ts";

/** 2026-11-25T12:00:00Z */
const NOW = Date.UTC(2026, 10, 25, 12) / 1000;
const DEC_1 = Date.UTC(2026, 11, 1) / 1000;
const PLANS: Record<PlanName, Plan> = {
  ...DEFAULT_PLANS,
  free: { ...DEFAULT_PLANS.free, uploads: 3, storage: 10_000 },
};

const registered: AccountRegistered = {
  account_id: "acc1",
  email_hmac: "e".repeat(64),
  email_enc: "iv.ciphertext",
  password_hash: "pbkdf2-sha256$600000$salt$hash",
  plan: "free",
  created_at: NOW,
};
const REGISTERED: AccountEvent = { type: "AccountRegistered", data: registered };

const keyData = (i: number): ApiKeyCreated => ({
  key_id: `key_${i}`,
  name: `key ${i}`,
  key_hash: i.toString(16).padStart(64, "0"),
  prefix: "img_live_abcd",
  created_at: NOW,
});
const keyCreated = (i: number): AccountEvent => ({ type: "ApiKeyCreated", data: keyData(i) });
const consumed = (image_id: string, bytes: number, period = "2026-11"): AccountEvent => ({
  type: "QuotaConsumed",
  data: { image_id, period, bytes },
});
const consume = (image_id: string, bytes: number, now = NOW): AccountCommand => ({
  type: "ConsumeQuota",
  image_id,
  bytes,
  now,
  plans: PLANS,
});

const { given } = deciderSpec(accountDecider);

const active = (state: AccountState) => {
  assert.equal(state.status, "active");
  return state as Extract<AccountState, { status: "active" }>;
};

Deno.test("registering a new account records AccountRegistered on the free plan", () => {
  given([]).when({ type: "Register", data: registered }).then([REGISTERED]);
  const state = active(given([REGISTERED]).state);
  assert.deepEqual([state.plan, state.uploads, state.storage], ["free", 0, 0]);
});

Deno.test("registering the same account twice is refused", () => {
  given([REGISTERED]).when({ type: "Register", data: registered }).thenError("already_exists");
});

Deno.test("an account that does not exist cannot create keys or consume quota", () => {
  given([]).when({ type: "CreateApiKey", data: keyData(1) }).thenError("not_found");
  given([]).when(consume("AbCdEfGh12", 1)).thenError("not_found");
});

Deno.test("creating a key records ApiKeyCreated without any secret beyond its hash", () => {
  given([REGISTERED]).when({ type: "CreateApiKey", data: keyData(1) }).then([keyCreated(1)]);
});

Deno.test("revoking a key records ApiKeyRevoked with its hash; a second revoke is a no-op", () => {
  const events = given([REGISTERED, keyCreated(1)])
    .when({ type: "RevokeApiKey", key_id: "key_1", now: NOW + 60 })
    .then([{
      type: "ApiKeyRevoked",
      data: { key_id: "key_1", key_hash: keyData(1).key_hash, revoked_at: NOW + 60 },
    }]);
  given([REGISTERED, keyCreated(1), ...events])
    .when({ type: "RevokeApiKey", key_id: "key_1", now: NOW + 120 })
    .then([]);
});

Deno.test("revoking an unknown key is not_found", () => {
  given([REGISTERED, keyCreated(1)])
    .when({ type: "RevokeApiKey", key_id: "key_x", now: NOW })
    .thenError("not_found");
});

Deno.test("an account holds at most 25 active keys; revoking one makes room", () => {
  const keys = Array.from({ length: MAX_ACTIVE_KEYS }, (_, i) => keyCreated(i + 1));
  assert.equal(MAX_ACTIVE_KEYS, 25);
  given([REGISTERED, ...keys])
    .when({ type: "CreateApiKey", data: keyData(99) })
    .thenError("validation_error", { field: "name" });
  const revoked: AccountEvent = {
    type: "ApiKeyRevoked",
    data: { key_id: "key_3", key_hash: keyData(3).key_hash, revoked_at: NOW },
  };
  given([REGISTERED, ...keys, revoked])
    .when({ type: "CreateApiKey", data: keyData(99) })
    .then([keyCreated(99)]);
});

Deno.test("changing plan records PlanChanged; changing to the same plan is a no-op", () => {
  const events = given([REGISTERED])
    .when({ type: "ChangePlan", to: "pro", now: NOW })
    .then([{ type: "PlanChanged", data: { from: "free", to: "pro", at: NOW } }]);
  assert.equal(active(given([REGISTERED, ...events]).state).plan, "pro");
  given([REGISTERED, ...events]).when({ type: "ChangePlan", to: "pro", now: NOW }).then([]);
});

Deno.test("an upload within the plan consumes one upload and its bytes this month", () => {
  const events = given([REGISTERED, consumed("img0000001", 100)])
    .when(consume("img0000002", 250))
    .then([consumed("img0000002", 250)]);
  const state = active(given([REGISTERED, consumed("img0000001", 100), ...events]).state);
  assert.deepEqual([state.period, state.uploads, state.storage], ["2026-11", 2, 350]);
});

Deno.test("the upload past the monthly count is refused with quota_exceeded and the usage", () => {
  const history = [
    REGISTERED,
    consumed("img0000001", 10),
    consumed("img0000002", 10),
    consumed("img0000003", 10),
  ];
  given(history).when(consume("img0000004", 10)).then({
    error: "quota_exceeded",
    extra: {
      usage: {
        plan: "free",
        uploads_used: 3,
        uploads_limit: 3,
        storage_used_bytes: 30,
        storage_limit_bytes: 10_000,
      },
    },
    message: /3 of 3/,
  });
});

Deno.test("an upload that would pass the storage limit is refused with storage_exceeded", () => {
  const history = [REGISTERED, consumed("img0000001", 9_000)];
  given(history).when(consume("img0000002", 1_001)).thenError("storage_exceeded", {
    extra: {
      usage: {
        plan: "free",
        uploads_used: 1,
        uploads_limit: 3,
        storage_used_bytes: 9_000,
        storage_limit_bytes: 10_000,
      },
    },
  });
  // Exactly filling the storage is allowed.
  given(history).when(consume("img0000002", 1_000)).then([consumed("img0000002", 1_000)]);
});

Deno.test("a new calendar month (UTC) resets the upload count but not the storage", () => {
  const history = [
    REGISTERED,
    consumed("img0000001", 10),
    consumed("img0000002", 10),
    consumed("img0000003", 10),
  ];
  // One second before midnight UTC on 30 November: still November, still full.
  given(history).when(consume("img0000004", 10, DEC_1 - 1)).thenError("quota_exceeded");
  const events = given(history)
    .when(consume("img0000004", 10, DEC_1))
    .then([consumed("img0000004", 10, "2026-12")]);
  const state = active(given([...history, ...events]).state);
  assert.deepEqual([state.period, state.uploads, state.storage], ["2026-12", 1, 40]);
  // Storage carried over into December still counts against the limit.
  const full = [REGISTERED, consumed("img0000001", 9_990)];
  given(full).when(consume("img0000002", 11, DEC_1)).thenError("storage_exceeded", {
    extra: {
      usage: {
        plan: "free",
        uploads_used: 0,
        uploads_limit: 3,
        storage_used_bytes: 9_990,
        storage_limit_bytes: 10_000,
      },
    },
  });
});

Deno.test("a higher plan lifts the monthly limit", () => {
  const history: AccountEvent[] = [
    REGISTERED,
    consumed("img0000001", 10),
    consumed("img0000002", 10),
    consumed("img0000003", 10),
    { type: "PlanChanged", data: { from: "free", to: "pro", at: NOW } },
  ];
  given(history).when(consume("img0000004", 10)).then([consumed("img0000004", 10)]);
});

Deno.test("releasing storage records StorageReleased and frees the bytes", () => {
  const history = [REGISTERED, consumed("img0000001", 300), consumed("img0000002", 200)];
  const events = given(history)
    .when({ type: "ReleaseStorage", image_id: "img0000001", bytes: 300 })
    .then([{ type: "StorageReleased", data: { image_id: "img0000001", bytes: 300 } }]);
  const state = active(given([...history, ...events]).state);
  assert.deepEqual([state.uploads, state.storage], [2, 200]);
});

Deno.test("the first account to claim an e-mail address keeps it", () => {
  const email = deciderSpec(emailClaimDecider);
  const events = email.given([]).when({ type: "ClaimEmail", account_id: "acc1" }).then([
    { type: "EmailClaimed", data: { account_id: "acc1" } },
  ]);
  const { state } = email.given(events);
  assert.deepEqual(state, { claimed_by: "acc1" });
  email.given(events)
    .when({ type: "ClaimEmail", account_id: "acc2" })
    .thenError("already_exists", { field: "email" });
});
