import type { Clock } from "../clock.ts";
import { randomBase62, sealText } from "../crypto.ts";
import { checkPostUrl, InvalidUrl, UrlNotAllowed } from "../fetcher/mod.ts";
import { AppError, fixError } from "../../domain/errors.ts";
import { newWebhookSecret } from "./signature.ts";
import type { Attempt, Webhook, WebhookEventType } from "./types.ts";
import type { WebhookStore } from "./webhook_store.ts";

export const MAX_WEBHOOKS_PER_ACCOUNT = 10;
export const WEBHOOK_ID = /^wh_[0-9A-Za-z]{22}$/;

export type WebhookView = {
  id: string;
  url: string;
  events: WebhookEventType[];
  created_at: number;
  status: Webhook["status"];
  delivered: number;
  failed_deliveries: number;
  pending: number;
};

const notFound = (id: string) =>
  new AppError("not_found", `No webhook with id ${id}.`, {
    hint: "GET /v1/webhooks lists yours.",
  });

/** Registering, listing and removing an account's webhooks; the dispatcher delivers. */
export class WebhookService {
  constructor(
    private readonly deps: {
      hooks: WebhookStore;
      clock: Clock;
      secret: string;
      allowHosts: ReadonlySet<string>;
    },
  ) {}

  async create(owner: string, url: string, events: WebhookEventType[]) {
    let normalised: string;
    try {
      normalised = checkPostUrl(url, this.deps.allowHosts).url.href;
    } catch (err) {
      if (err instanceof UrlNotAllowed) {
        throw new AppError("url_not_allowed", err.message, {
          field: "url",
          hint: err.rule === "scheme"
            ? "Use an https:// URL (plain http only reaches hosts in IMPORT_ALLOW_HOSTS)."
            : err.hint,
          extra: { rule: err.rule },
        });
      }
      if (err instanceof InvalidUrl) {
        throw fixError("validation_error", err.message, "Send an absolute https URL.", "url");
      }
      throw err;
    }
    const secret = newWebhookSecret();
    const hook: Webhook = {
      id: `wh_${randomBase62(16)}`,
      owner,
      url: normalised,
      events: [...new Set(events)],
      created_at_ms: this.deps.clock.now(),
      secret_sealed: await sealText(this.deps.secret, "webhook", secret),
      status: "active",
      delivered: 0,
      failed_deliveries: 0,
    };
    if (await this.deps.hooks.create(hook, MAX_WEBHOOKS_PER_ACCOUNT) === "full") {
      throw fixError(
        "validation_error",
        `An account has at most ${MAX_WEBHOOKS_PER_ACCOUNT} webhooks.`,
        "Delete one you no longer use (DELETE /v1/webhooks/{id}), or subscribe one URL to " +
          "several event types.",
        "url",
      );
    }
    return { ...await this.#view(hook), secret };
  }

  async list(owner: string): Promise<WebhookView[]> {
    const hooks = await this.deps.hooks.ofOwner(owner);
    hooks.sort((a, b) => a.created_at_ms - b.created_at_ms);
    return await Promise.all(hooks.map((h) => this.#view(h)));
  }

  async get(owner: string, id: string): Promise<WebhookView & { recent_attempts: Attempt[] }> {
    const hook = await this.#owned(owner, id);
    return {
      ...await this.#view(hook),
      recent_attempts: await this.deps.hooks.recentAttempts(id),
    };
  }

  async delete(owner: string, id: string): Promise<void> {
    await this.deps.hooks.delete(await this.#owned(owner, id));
  }

  async #owned(owner: string, id: string): Promise<Webhook> {
    const hook = WEBHOOK_ID.test(id) ? await this.deps.hooks.get(id) : null;
    // Another account's webhook is "not found", never a hint that it exists.
    if (!hook || hook.owner !== owner) throw notFound(id);
    return hook;
  }

  async #view(h: Webhook): Promise<WebhookView> {
    return {
      id: h.id,
      url: h.url,
      events: h.events,
      created_at: Math.floor(h.created_at_ms / 1000),
      status: h.status,
      delivered: h.delivered,
      failed_deliveries: h.failed_deliveries,
      pending: await this.deps.hooks.pendingCount(h.id),
    };
  }
}
