import { kvKeys } from "../kv_keys.ts";
import type { Attempt, Delivery, Webhook } from "./types.ts";

/** The webhooks' KV keys (src/kv_keys.ts holds every concern's). */
export const webhookKeys = kvKeys.webhooks;

const ATTEMPTS_KEPT_MS = 14 * 86_400_000;

/** Who is delivering a webhook's queue, until when (Unix ms, wall clock: leases are real time). */
type Lease = { token: string; until: number };
const RECENT = 20;

export class WebhookStore {
  constructor(readonly kv: Deno.Kv) {}

  /**
   * Registers the webhook unless its owner already has `max`. Creations of one owner are
   * serialised by a marker key each one rewrites, so concurrent requests cannot pass the
   * count together (a webhook more is one POST more per event, against any target).
   */
  async create(hook: Webhook, max: number): Promise<"created" | "full"> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const marker = await this.kv.get(webhookKeys.ownerMarker(hook.owner));
      if ((await this.ofOwner(hook.owner)).length >= max) return "full";
      const res = await this.kv.atomic()
        .check(marker)
        .check({ key: webhookKeys.hook(hook.id), versionstamp: null })
        .set(webhookKeys.ownerMarker(hook.owner), hook.id)
        .set(webhookKeys.hook(hook.id), hook)
        .set(webhookKeys.byOwner(hook.owner, hook.id), hook.id)
        .commit();
      if (res.ok) return "created";
    }
    throw new Error(`webhooks of ${hook.owner}: too much contention to register ${hook.id}`);
  }

  async get(id: string): Promise<Webhook | null> {
    return (await this.kv.get<Webhook>(webhookKeys.hook(id))).value;
  }

  async ofOwner(owner: string): Promise<Webhook[]> {
    const ids: string[] = [];
    for await (const e of this.kv.list<string>({ prefix: webhookKeys.byOwner(owner) })) {
      ids.push(e.value);
    }
    const found = await Promise.all(ids.map((id) => this.get(id)));
    return found.filter((h): h is Webhook => h !== null);
  }

  /** Removes the registration, its queue and its history; nothing more is sent to it. */
  async delete(hook: Webhook): Promise<void> {
    await this.kv.atomic()
      .delete(webhookKeys.hook(hook.id))
      .delete(webhookKeys.byOwner(hook.owner, hook.id))
      .commit();
    await this.purge(hook.id);
  }

  /**
   * Drops what a webhook left: its pending flag, queue and history. Also for a webhook already
   * deleted, since a catch-up that read the owner's webhooks just before may still queue for it.
   */
  async purge(id: string): Promise<void> {
    await this.kv.delete(webhookKeys.pending(id));
    for (const prefix of [webhookKeys.queue(id), webhookKeys.attempts(id)]) {
      let batch = this.kv.atomic();
      let n = 0;
      for await (const e of this.kv.list({ prefix })) {
        batch.delete(e.key);
        if (++n % 500 === 0) {
          await batch.commit();
          batch = this.kv.atomic();
        }
      }
      await batch.commit();
    }
  }

  async head(id: string): Promise<Deno.KvEntry<Delivery> | null> {
    for await (const e of this.kv.list<Delivery>({ prefix: webhookKeys.queue(id) }, { limit: 1 })) {
      return e;
    }
    return null;
  }

  async pendingCount(id: string): Promise<number> {
    let n = 0;
    for await (const _ of this.kv.list({ prefix: webhookKeys.queue(id) })) n++;
    return n;
  }

  async *pendingWebhooks(): AsyncGenerator<string> {
    for await (const e of this.kv.list({ prefix: webhookKeys.pending() })) {
      yield String(e.key[1]);
    }
  }

  /** Newest first. */
  async recentAttempts(id: string): Promise<Attempt[]> {
    const out: Attempt[] = [];
    const iter = this.kv.list<Attempt>({ prefix: webhookKeys.attempts(id) }, {
      reverse: true,
      limit: RECENT,
    });
    for await (const e of iter) out.push(e.value);
    return out;
  }

  /**
   * Records an attempt and its consequence in one commit: the delivery leaves the queue
   * (delivered or given up) or is rescheduled, and the webhook's status follows.
   */
  async recordAttempt(
    hook: Webhook,
    head: Deno.KvEntry<Delivery>,
    attempt: Attempt,
    next: Delivery | null,
    atMs: number,
  ): Promise<void> {
    const hookEntry = await this.kv.get<Webhook>(webhookKeys.hook(hook.id));
    if (!hookEntry.value) return; // deleted meanwhile: nothing to record
    const current = hookEntry.value;
    const updated: Webhook = {
      ...current,
      status: attempt.result === "delivered"
        ? "active"
        : attempt.result === "failed"
        ? "failed"
        : current.status === "failed"
        ? "failed"
        : "retrying",
      delivered: current.delivered + (attempt.result === "delivered" ? 1 : 0),
      failed_deliveries: current.failed_deliveries + (attempt.result === "failed" ? 1 : 0),
    };
    const op = this.kv.atomic()
      .check(head)
      .check(hookEntry)
      .set(webhookKeys.hook(hook.id), updated)
      .set(
        webhookKeys.attempt(hook.id, atMs, attempt.msg_id, attempt.attempt),
        attempt,
        { expireIn: ATTEMPTS_KEPT_MS },
      );
    if (next) op.set(head.key, next);
    else op.delete(head.key);
    await op.commit();
  }

  /**
   * Drops the pending flag when the queue is empty. An enqueue rewrites the flag, so checking
   * the flag's versionstamp keeps a delivery enqueued meanwhile from being stranded.
   */
  async clearPendingIfEmpty(id: string): Promise<void> {
    const flag = await this.kv.get(webhookKeys.pending(id));
    if (flag.versionstamp === null || await this.head(id)) return;
    await this.kv.atomic().check(flag).delete(flag.key).commit();
  }

  /**
   * The lease carries its own end: KV may keep showing a key for a while after `expireIn`, and
   * a lease left by a process that died mid-delivery must not hold its queue past that end.
   */
  async lease(id: string, ms: number): Promise<string | null> {
    const current = await this.kv.get<Lease>(webhookKeys.lease(id));
    if (current.value && current.value.until > Date.now()) return null;
    const token = crypto.randomUUID();
    const res = await this.kv.atomic()
      .check(current)
      .set(webhookKeys.lease(id), { token, until: Date.now() + ms }, { expireIn: ms })
      .commit();
    return res.ok ? token : null;
  }

  async release(id: string, token: string): Promise<void> {
    const entry = await this.kv.get<Lease>(webhookKeys.lease(id));
    if (entry.value?.token === token) {
      await this.kv.atomic().check(entry).delete(entry.key).commit();
    }
  }
}
