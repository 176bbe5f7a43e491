import { z } from "zod";
import type { EventOf } from "../event_envelope.ts";
import { PLAN_NAMES } from "./plans.ts";

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/);

export const AccountRegistered = z.object({
  account_id: z.string().min(1).max(32),
  /** Keyed hash of the normalised address: finds the account at login without storing it. */
  email_hmac: Hex64,
  /** AES-GCM ciphertext under a per-account key kept outside the log; erasing the key erases it. */
  email_enc: z.string().max(2048),
  password_hash: z.string().max(256),
  plan: z.enum(PLAN_NAMES),
  created_at: z.number().int(),
});
export const ApiKeyCreated = z.object({
  key_id: z.string().min(1).max(32),
  name: z.string().max(100),
  key_hash: Hex64,
  /** The first characters, so a person can tell their keys apart. */
  prefix: z.string().max(16),
  created_at: z.number().int(),
});
export const ApiKeyRevoked = z.object({
  key_id: z.string(),
  key_hash: Hex64,
  revoked_at: z.number().int(),
});
export const PlanChanged = z.object({
  from: z.enum(PLAN_NAMES),
  to: z.enum(PLAN_NAMES),
  at: z.number().int(),
});
export const QuotaConsumed = z.object({
  image_id: z.string().length(10),
  period: z.string().regex(/^\d{4}-\d{2}$/),
  bytes: z.number().int().nonnegative(),
});
export const StorageReleased = z.object({
  image_id: z.string().length(10),
  bytes: z.number().int().nonnegative(),
});

export type AccountRegistered = z.infer<typeof AccountRegistered>;
export type ApiKeyCreated = z.infer<typeof ApiKeyCreated>;
export type ApiKeyRevoked = z.infer<typeof ApiKeyRevoked>;
export type PlanChanged = z.infer<typeof PlanChanged>;
export type QuotaConsumed = z.infer<typeof QuotaConsumed>;
export type StorageReleased = z.infer<typeof StorageReleased>;

export const ACCOUNT_EVENT_SCHEMAS = {
  AccountRegistered: { version: 1, schema: AccountRegistered },
  ApiKeyCreated: { version: 1, schema: ApiKeyCreated },
  ApiKeyRevoked: { version: 1, schema: ApiKeyRevoked },
  PlanChanged: { version: 1, schema: PlanChanged },
  QuotaConsumed: { version: 1, schema: QuotaConsumed },
  StorageReleased: { version: 1, schema: StorageReleased },
} as const;
export type AccountEvent = EventOf<typeof ACCOUNT_EVENT_SCHEMAS>;

/** The `email-{hmac}` stream: one claim per address, so two sign-ups cannot share it. */
export const EmailClaimed = z.object({ account_id: z.string().min(1).max(32) });
export const EMAIL_EVENT_SCHEMAS = { EmailClaimed: { version: 1, schema: EmailClaimed } } as const;
export type EmailEvent = EventOf<typeof EMAIL_EVENT_SCHEMAS>;
