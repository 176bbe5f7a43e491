import type {
  AccountRegistered,
  ApiKeyCreated,
  ApiKeyRevoked,
  PlanChanged,
  QuotaConsumed,
  StorageReleased,
} from "../domain/account/events.ts";
import type { PlanName } from "../domain/account/plans.ts";
import { idIn } from "../domain/streams.ts";
import type { Projection } from "./projection.ts";

export type KeySummary = {
  key_id: string;
  name: string;
  prefix: string;
  created_at: number;
  revoked_at?: number;
};

/** What `/v1/account`, login and the dashboard read. Usage counts the stored `period` only. */
export type AccountDoc = {
  id: string;
  plan: PlanName;
  email_hmac: string;
  email_enc: string;
  password_hash: string;
  created_at: number;
  period: string;
  uploads: number;
  storage: number;
  keys: KeySummary[];
  version: number;
};

export const accountReadModel: Projection<AccountDoc> = {
  name: "accounts",
  version: 1,
  docId(e) {
    const id = idIn("account", e.stream);
    return id === null ? null : [id];
  },
  evolve(doc, event) {
    if (event.type === "AccountRegistered") {
      const d = event.data as AccountRegistered;
      return {
        id: d.account_id,
        plan: d.plan,
        email_hmac: d.email_hmac,
        email_enc: d.email_enc,
        password_hash: d.password_hash,
        created_at: d.created_at,
        period: "",
        uploads: 0,
        storage: 0,
        keys: [],
        version: event.version,
      };
    }
    if (!doc) return null;
    const v = { version: event.version };
    switch (event.type) {
      case "ApiKeyCreated": {
        const { key_id, name, prefix, created_at } = event.data as ApiKeyCreated;
        return { ...doc, ...v, keys: [...doc.keys, { key_id, name, prefix, created_at }] };
      }
      case "ApiKeyRevoked": {
        const { key_id, revoked_at } = event.data as ApiKeyRevoked;
        return {
          ...doc,
          ...v,
          keys: doc.keys.map((k) => k.key_id === key_id ? { ...k, revoked_at } : k),
        };
      }
      case "PlanChanged":
        return { ...doc, ...v, plan: (event.data as PlanChanged).to };
      case "QuotaConsumed": {
        const d = event.data as QuotaConsumed;
        const uploads = d.period === doc.period ? doc.uploads + 1 : 1;
        return { ...doc, ...v, period: d.period, uploads, storage: doc.storage + d.bytes };
      }
      case "StorageReleased":
        return {
          ...doc,
          ...v,
          storage: Math.max(0, doc.storage - (event.data as StorageReleased).bytes),
        };
      default:
        return doc;
    }
  },
  indexes: (doc) => [["email", doc.email_hmac]],
};

export type ApiKeyDoc = { account_id: string; key_id: string };

/** API keys by the SHA-256 of the secret: the only form in which a key is stored. */
export const apiKeyIndex: Projection<ApiKeyDoc> = {
  name: "api_keys",
  version: 1,
  docId(e) {
    if (e.type === "ApiKeyCreated") return [(e.data as ApiKeyCreated).key_hash];
    if (e.type === "ApiKeyRevoked") return [(e.data as ApiKeyRevoked).key_hash];
    return null;
  },
  evolve(_doc, event) {
    if (event.type === "ApiKeyRevoked") return null;
    const d = event.data as ApiKeyCreated;
    // Key events are only ever appended to account streams (docId above names them by hash).
    return { account_id: idIn("account", event.stream) ?? "", key_id: d.key_id };
  },
};
