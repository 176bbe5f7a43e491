import type { StoredEvent } from "../../domain/event_envelope.ts";
import type { ImageUploaded } from "../../domain/image/events.ts";
import type { Clock } from "../clock.ts";
import { openText } from "../crypto.ts";
import type { EventStore } from "../event_store/mod.ts";
import { type PostOutcome, safePost } from "../fetcher/mod.ts";
import type { ImageQueries } from "../images/mod.ts";
import { VERSION } from "../version.ts";
import { payloadOf } from "./payload.ts";
import { signWebhook } from "./signature.ts";
import { type Attempt, type Delivery, EVENT_TYPE_OF, type Webhook } from "./types.ts";
import { webhookKeys, type WebhookStore } from "./webhook_store.ts";
import { idIn, parseStream } from "../../domain/streams.ts";

/** After the n-th failed attempt, wait this long (the last entry repeats), until 24 h are up. */
export const BACKOFF_MS = [5, 30, 120, 600, 1800, 3600, 7200, 14400, 28800].map((s) => s * 1000);
export const GIVE_UP_AFTER_MS = 24 * 3600_000;
const POST_TIMEOUT_MS = 10_000;
/** A lease outlives the longest round of one webhook's queue (see MAX_ROUND_MS). */
const LEASE_MS = 60_000;
const MAX_ROUND_MS = 30_000;
/** Enqueued deliveries per KV commit: well inside its mutation and size limits. */
const FLUSH_AT = 100;
const COMMITS_PER_TICK = 2_000;

export type DispatcherDeps = {
  store: EventStore;
  hooks: WebhookStore;
  queries: ImageQueries;
  clock: Clock;
  secret: string;
  publicUrl: string;
  allowHosts: ReadonlySet<string>;
};

type Item = { key: Deno.KvKey; hookId: string; delivery: Delivery };

const logError = (err: unknown) => console.error("webhooks:", err);

/**
 * Webhook deliveries as a catch-up subscription over the event log: a tick turns the commits
 * after the stored checkpoint into deliveries (each webhook's queue, in log order, written in
 * the same KV commit as the new checkpoint), then sends what is due. At least once: a crash
 * between a send and its record sends again, with the same `webhook-id`. In order per webhook,
 * so per image: a delivery being retried holds back the ones behind it.
 */
export class WebhookDispatcher {
  #timer: ReturnType<typeof setInterval> | undefined;
  #running: Promise<void> | null = null;
  #pulsing: Promise<void> | null = null;
  /** Each webhook's queue being delivered in this process, so it is never walked twice at once. */
  readonly #inFlight = new Map<string, Promise<void>>();

  constructor(private readonly deps: DispatcherDeps) {}

  /**
   * Started by the composition root (main.ts); tests start and stop it themselves. The timer
   * does not wait for deliveries: a receiver slow to answer holds up its own queue, never the
   * catch-up or another account's webhooks.
   */
  start(intervalMs: number): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => {
      // The rounds are started, not awaited.
      this.#pulsing ??= this.catchUp()
        .then(async () => void await this.#startDue())
        .catch(logError)
        .finally(() => (this.#pulsing = null));
    }, intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#pulsing;
    await this.#running;
    await Promise.all(this.#inFlight.values());
  }

  /** One tick, unless one is already running in this process (then that one's promise). */
  tickOnce(): Promise<void> {
    this.#running ??= this.tick()
      .catch(logError)
      .finally(() => (this.#running = null));
    return this.#running;
  }

  /** Catch-up, then every due delivery, waiting for them all (the cron job and tests). */
  async tick(): Promise<void> {
    await this.catchUp();
    await this.deliverDue();
  }

  /** Log commits after the checkpoint → queued deliveries. */
  async catchUp(): Promise<void> {
    const { kv } = this.deps.hooks;
    let checkpoint = await kv.get<string>(webhookKeys.checkpoint());
    let items: Item[] = [];
    let last: string | null = null;
    const owners = new Map<string, Webhook[]>();
    const flush = async () => {
      if (last === null) return true;
      const op = kv.atomic().check(checkpoint).set(webhookKeys.checkpoint(), last);
      for (const item of items) {
        op.set(item.key, item.delivery).set(webhookKeys.pending(item.hookId), true);
      }
      const res = await op.commit();
      // Another process moved the checkpoint first: it queued these; the next tick goes on.
      if (!res.ok) return false;
      checkpoint = { key: webhookKeys.checkpoint(), value: last, versionstamp: res.versionstamp };
      items = [];
      last = null;
      return true;
    };
    let commits = 0;
    for await (const commit of this.deps.store.readLog(checkpoint.value ?? undefined)) {
      for (const [index, event] of commit.events.entries()) {
        items.push(...await this.#deliveriesOf(event, commit.versionstamp, index, owners));
      }
      last = commit.versionstamp;
      if (items.length >= FLUSH_AT && !await flush()) return;
      if (++commits >= COMMITS_PER_TICK) break;
    }
    await flush();
  }

  async #deliveriesOf(
    event: StoredEvent,
    versionstamp: string,
    index: number,
    owners: Map<string, Webhook[]>,
  ): Promise<Item[]> {
    const type = EVENT_TYPE_OF[event.type];
    const id = idIn("image", event.stream);
    if (!type || id === null) return [];
    const owner = event.type === "ImageUploaded"
      ? (event.data as ImageUploaded).owner
      : (await this.deps.queries.get(id))?.owner ?? null;
    // Webhooks belong to accounts; an anonymous image has nobody to tell.
    if (!owner) return [];
    let hooks = owners.get(owner);
    if (!hooks) owners.set(owner, hooks = await this.deps.hooks.ofOwner(owner));
    const seq = `${versionstamp}.${String(index).padStart(4, "0")}`;
    const wanted = hooks.filter((h) => h.events.includes(type) && h.created_at_ms <= event.meta.at);
    if (wanted.length === 0) return [];
    return wanted.map((h) => ({
      key: webhookKeys.queue(h.id, seq),
      hookId: h.id,
      delivery: {
        msg_id: `msg_${seq.replace(".", "_")}`,
        type,
        image_id: id,
        event: { stream: event.stream, version: event.version },
        event_at_ms: event.meta.at,
        attempts: 0,
        next_at_ms: event.meta.at,
      },
    }));
  }

  /** Sends the due head of every non-empty queue; webhooks in parallel, each queue in order. */
  async deliverDue(): Promise<void> {
    await Promise.all(await this.#startDue());
  }

  /** Starts every non-empty queue not already being delivered here; returns their rounds. */
  async #startDue(): Promise<Promise<void>[]> {
    const rounds: Promise<void>[] = [];
    for await (const id of this.deps.hooks.pendingWebhooks()) {
      let round = this.#inFlight.get(id);
      if (!round) {
        round = this.#deliverQueue(id)
          .catch(logError)
          .finally(() => this.#inFlight.delete(id));
        this.#inFlight.set(id, round);
      }
      rounds.push(round);
    }
    return rounds;
  }

  async #deliverQueue(id: string): Promise<void> {
    const { hooks } = this.deps;
    const lease = await hooks.lease(id, LEASE_MS);
    if (!lease) return;
    const started = performance.now();
    try {
      const hook = await hooks.get(id);
      if (!hook) return await hooks.purge(id);
      const secret = await openText(this.deps.secret, "webhook", hook.secret_sealed);
      while (performance.now() - started < MAX_ROUND_MS) {
        const head = await hooks.head(id);
        if (!head) return await hooks.clearPendingIfEmpty(id);
        if (head.value.next_at_ms > this.deps.clock.now()) return;
        if (!await this.#attempt(hook, secret, head)) return;
      }
    } finally {
      await hooks.release(id, lease);
    }
  }

  /**
   * The body, rebuilt from its event at each try: the event never changes, so neither do the
   * bytes, and the queue holds a small reference rather than a copy that could outgrow a KV
   * value (an image's caption and metadata may fill most of one already).
   */
  async #bodyOf(d: Delivery): Promise<string> {
    if (d.body !== undefined) return d.body;
    const stream = parseStream(d.event.stream);
    if (!stream) throw new Error(`event ${d.event.stream}@${d.event.version} names no stream`);
    const { events } = await this.deps.store.readStream(stream, d.event.version - 1);
    const event = events.find((e) => e.version === d.event.version);
    if (!event) throw new Error(`event ${d.event.stream}@${d.event.version} is missing`);
    return payloadOf(d.type, event, this.deps.publicUrl);
  }

  /** One try of the queue's head; true when the queue may move on to the next delivery. */
  async #attempt(hook: Webhook, secret: string, head: Deno.KvEntry<Delivery>): Promise<boolean> {
    const d = head.value;
    const body = await this.#bodyOf(d);
    const timestamp = Math.floor(this.deps.clock.now() / 1000);
    const headers: [string, string][] = [
      ["Content-Type", "application/json"],
      ["User-Agent", `imgpro-webhooks/${VERSION}`],
      ["webhook-id", d.msg_id],
      ["webhook-timestamp", String(timestamp)],
      ["webhook-signature", await signWebhook(secret, d.msg_id, timestamp, body)],
    ];
    const outcome: PostOutcome = await safePost(
      hook.url,
      headers,
      new TextEncoder().encode(body),
      { allowHosts: this.deps.allowHosts, timeoutMs: POST_TIMEOUT_MS },
    );
    const now = this.deps.clock.now();
    const attempts = d.attempts + 1;
    const ok = "status" in outcome && outcome.status >= 200 && outcome.status < 300;
    const deadline = d.event_at_ms + GIVE_UP_AFTER_MS;
    const result = ok ? "delivered" : now >= deadline ? "failed" : "retrying";
    const nextAt = result === "retrying"
      ? Math.min(deadline, now + BACKOFF_MS[Math.min(attempts, BACKOFF_MS.length) - 1])
      : null;
    const attempt: Attempt = {
      msg_id: d.msg_id,
      type: d.type,
      image_id: d.image_id,
      attempt: attempts,
      at: Math.floor(now / 1000),
      status_code: "status" in outcome ? outcome.status : null,
      error: "error" in outcome
        ? outcome.error
        : ok
        ? null
        : `the receiver answered ${outcome.status}`,
      result,
      next_attempt_at: nextAt === null ? null : Math.floor(nextAt / 1000),
    };
    const next = nextAt === null ? null : { ...d, attempts, next_at_ms: nextAt };
    await this.deps.hooks.recordAttempt(hook, head, attempt, next, now);
    return result !== "retrying";
  }
}
