import { nanoid } from "nanoid";
import type { AccountCommand } from "../../domain/account/decider.ts";
import type { PlanName } from "../../domain/account/plans.ts";
import { AppError } from "../../domain/errors.ts";
import {
  type AccountDoc,
  accountReadModel,
  apiKeyIndex,
} from "../../projections/account_read_model.ts";
import type { ActorRuntime } from "../actors/mod.ts";
import type { Clock } from "../clock.ts";
import { toUnixSeconds } from "../clock.ts";
import type { Config } from "../config.ts";
import { randomBase62, sha256Hex, timingSafeEqual } from "../crypto.ts";
import type { IdGenerator } from "../ids.ts";
import type { ReadModels } from "../read_models.ts";
import type { EmailVault } from "./email_vault.ts";
import { hashPassword, verifyPassword } from "./passwords.ts";
import { streams } from "../../domain/streams.ts";

export const API_KEY_PREFIX = "img_live_";
const API_KEY = /^img_live_[0-9A-Za-z]{43}$/;

export type CreatedKey = { key: string; key_id: string; name: string; created_at: number };

/** Accounts, API keys and plans: commands through the account actor, reads from projections. */
export class AccountService {
  constructor(
    private readonly deps: {
      config: Config;
      runtime: ActorRuntime;
      readModels: ReadModels;
      vault: EmailVault;
      clock: Clock;
      ids: IdGenerator;
    },
  ) {}

  #meta(actor: string) {
    const { clock, ids } = this.deps;
    return { at: clock.now(), actor, command_id: ids.commandId(), correlation_id: ids.commandId() };
  }

  #send(accountId: string, command: AccountCommand) {
    return this.deps.runtime.send(streams.account(accountId), command, {
      meta: this.#meta(`account:${accountId}`),
    });
  }

  /** One claim per address (stream `email-{hmac}`) and the account, committed together. */
  async register(email: string, password: string): Promise<string> {
    const { vault, runtime } = this.deps;
    const account_id = nanoid(12).replaceAll(/[-_]/g, "x");
    const email_hmac = await vault.lookupHash(email);
    // A taken address is refused before the costly password hash; the claim stream still
    // settles two sign-ups racing for the same address.
    const taken = await this.deps.readModels.index(accountReadModel, ["email", email_hmac], {
      limit: 1,
    });
    if (taken.ids.length > 0) {
      throw new AppError("already_exists", "An account with this e-mail address already exists.", {
        field: "email",
        hint: "Log in instead, or use another address.",
      });
    }
    const created_at = toUnixSeconds(this.deps.clock.now());
    const data = {
      account_id,
      email_hmac,
      email_enc: await vault.seal(account_id, email),
      password_hash: await hashPassword(password),
      plan: "free" as const,
      created_at,
    };
    await runtime.transact([
      { stream: streams.email(email_hmac), command: { type: "ClaimEmail", account_id } },
      { stream: streams.account(account_id), command: { type: "Register", data } },
    ], { meta: this.#meta(`account:${account_id}`) });
    return account_id;
  }

  /** The account id when the password matches; null otherwise (same work either way). */
  async verifyLogin(email: string, password: string): Promise<string | null> {
    const hmac = await this.deps.vault.lookupHash(email);
    const { ids } = await this.deps.readModels.index(accountReadModel, ["email", hmac], {
      limit: 1,
    });
    const doc = ids[0] ? await this.get(String(ids[0][0])) : null;
    // Hash even for an unknown address, so response time does not reveal which addresses exist.
    const ok = await verifyPassword(password, doc?.password_hash ?? DUMMY_HASH);
    return ok && doc ? doc.id : null;
  }

  get(accountId: string): Promise<AccountDoc | null> {
    return this.deps.readModels.doc(accountReadModel, [accountId]);
  }

  async email(doc: AccountDoc): Promise<string | null> {
    return await this.deps.vault.open(doc.id, doc.email_enc);
  }

  async createKey(accountId: string, name: string): Promise<CreatedKey> {
    const key = API_KEY_PREFIX + randomBase62(32);
    const key_id = `key_${nanoid(10).replaceAll(/[-_]/g, "x")}`;
    const created_at = toUnixSeconds(this.deps.clock.now());
    await this.#send(accountId, {
      type: "CreateApiKey",
      data: { key_id, name, key_hash: await sha256Hex(key), prefix: key.slice(0, 13), created_at },
    });
    return { key, key_id, name, created_at };
  }

  async revokeKey(accountId: string, keyId: string): Promise<void> {
    await this.#send(accountId, {
      type: "RevokeApiKey",
      key_id: keyId,
      now: toUnixSeconds(this.deps.clock.now()),
    });
  }

  /** The account behind a bearer key, or null for a malformed, unknown or revoked key. */
  async authenticateKey(key: string): Promise<string | null> {
    if (!API_KEY.test(key)) return null;
    const hash = await sha256Hex(key);
    const doc = await this.deps.readModels.doc(apiKeyIndex, [hash]);
    if (!doc) return null;
    const account = await this.get(doc.account_id);
    const summary = account?.keys.find((k) => k.key_id === doc.key_id);
    if (!summary || summary.revoked_at !== undefined) return null;
    return timingSafeEqual(await sha256Hex(key), hash) ? doc.account_id : null;
  }

  /** Returns the plan the account is on afterwards (an upgrade link never moves it down). */
  async changePlan(
    accountId: string,
    to: PlanName,
    opts: { upgradeOnly?: boolean } = {},
  ): Promise<PlanName> {
    const now = toUnixSeconds(this.deps.clock.now());
    await this.#send(accountId, { type: "ChangePlan", to, now, upgradeOnly: opts.upgradeOnly });
    return (await this.get(accountId))?.plan ?? to;
  }
}

const DUMMY_HASH =
  "pbkdf2-sha256$600000$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
