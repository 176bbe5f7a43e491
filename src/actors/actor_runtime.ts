import type { StoredEvent } from "../../domain/event_envelope.ts";
import type { EventStore, NewEvent, StreamHead } from "../event_store/mod.ts";

export type DomainEventLike = { type: string; data: unknown };

export type Decider<S, C, E extends DomainEventLike> = {
  initialState(): S;
  evolve(state: S, event: E): S;
  decide(command: C, state: S): E[];
};

/** Turns a decided event into what gets stored: validates `data` and stamps its schema version. */
export type EventCodec = (event: DomainEventLike) => NewEvent;

export type SendOptions = {
  meta: { actor: string; command_id: string; correlation_id: string; at: number };
  idempotency?: { key: string; record: (events: StoredEvent[]) => unknown; expireInMs: number };
  guards?: Deno.AtomicCheck[];
};

export type SendResult<S> =
  | { ok: true; state: S; events: StoredEvent[]; version: number }
  | { ok: false; reason: "duplicate" };

/** The append failed while the stream had not moved: one of the caller's guards is stale. */
export class GuardFailedError extends Error {
  override name = "GuardFailedError";
}

export class ConflictRetriesExhaustedError extends Error {
  override name = "ConflictRetriesExhaustedError";
}

type Actor = {
  state: unknown;
  head: StreamHead;
  mailbox: Promise<unknown>;
  idle?: ReturnType<typeof setTimeout>;
};

/**
 * One actor per stream id: a mailbox serialises its commands and its state stays cached between
 * them. Other runtimes (other isolates) may hold the same stream; the store's head check makes
 * that safe and a conflict reloads and re-decides, a bounded number of times.
 */
export class ActorRuntime {
  #actors = new Map<string, Actor>();

  constructor(
    readonly store: EventStore,
    private readonly deciders: Record<string, Decider<unknown, unknown, DomainEventLike>>,
    private readonly codec: EventCodec,
    private readonly options: { idleMs: number; maxRetries: number } = {
      idleMs: 60_000,
      maxRetries: 8,
    },
  ) {}

  get size(): number {
    return this.#actors.size;
  }

  send<S, C>(stream: string, command: C, opts: SendOptions): Promise<SendResult<S>> {
    const actor = this.#actorFor(stream);
    if (actor instanceof Error) return Promise.reject(actor);
    const run = actor.mailbox.then(() => this.#handle(stream, actor, command, opts));
    // The mailbox must survive a failed command, so the next one still runs.
    actor.mailbox = run.catch(() => {});
    this.#touch(stream, actor);
    return run as Promise<SendResult<S>>;
  }

  /** Current state of a stream's actor (hydrating it if needed). */
  state<S>(stream: string): Promise<S> {
    const actor = this.#actorFor(stream);
    if (actor instanceof Error) return Promise.reject(actor);
    const run = actor.mailbox.then(async () => {
      await this.#catchUp(stream, actor);
      return actor.state as S;
    });
    actor.mailbox = run.catch(() => {});
    this.#touch(stream, actor);
    return run;
  }

  close(): void {
    for (const actor of this.#actors.values()) clearTimeout(actor.idle);
    this.#actors.clear();
  }

  #decider(stream: string) {
    const kind = stream.slice(0, stream.indexOf("-"));
    const decider = this.deciders[kind];
    if (!decider) throw new Error(`no decider for stream ${stream}`);
    return decider;
  }

  #actorFor(stream: string): Actor | Error {
    try {
      return this.#actors.get(stream) ?? this.#spawn(stream);
    } catch (err) {
      return err as Error;
    }
  }

  #spawn(stream: string): Actor {
    const actor: Actor = {
      state: this.#decider(stream).initialState(),
      head: { version: 0, versionstamp: null },
      mailbox: Promise.resolve(),
    };
    this.#actors.set(stream, actor);
    return actor;
  }

  #touch(stream: string, actor: Actor) {
    clearTimeout(actor.idle);
    const timer = setTimeout(() => {
      // Passivate only if no newer actor replaced this one and nothing is queued behind it.
      void actor.mailbox.then(() => {
        if (this.#actors.get(stream) === actor) this.#actors.delete(stream);
      });
    }, this.options.idleMs);
    Deno.unrefTimer(timer);
    actor.idle = timer;
  }

  async #catchUp(stream: string, actor: Actor): Promise<boolean> {
    const decider = this.#decider(stream);
    const { events, head } = await this.store.readStream(stream, actor.head.version);
    for (const e of events) actor.state = decider.evolve(actor.state, e as DomainEventLike);
    const moved = head.versionstamp !== actor.head.versionstamp;
    actor.head = head;
    return moved;
  }

  async #handle(
    stream: string,
    actor: Actor,
    command: unknown,
    opts: SendOptions,
  ): Promise<SendResult<unknown>> {
    const decider = this.#decider(stream);
    if (actor.head.versionstamp === null) await this.#catchUp(stream, actor);
    for (let attempt = 0; attempt <= this.options.maxRetries; attempt++) {
      const decided = decider.decide(command, actor.state);
      if (decided.length === 0) {
        return { ok: true, state: actor.state, events: [], version: actor.head.version };
      }
      const events = decided.map(this.codec);
      const res = await this.store.append({
        writes: [{ stream, expected: actor.head, events }],
        meta: opts.meta,
        guards: opts.guards,
        idempotency: opts.idempotency && {
          key: opts.idempotency.key,
          expireInMs: opts.idempotency.expireInMs,
          record: opts.idempotency.record(
            events.map((e, i) => ({
              stream,
              version: actor.head.version + i + 1,
              type: e.type,
              data: e.data,
              meta: { ...opts.meta, schema: e.schema },
            })),
          ),
        },
      });
      if (res.ok) {
        for (const e of decided) actor.state = decider.evolve(actor.state, e);
        actor.head = res.heads[stream];
        return { ok: true, state: actor.state, events: res.events, version: actor.head.version };
      }
      if (res.reason === "duplicate") return { ok: false, reason: "duplicate" };
      const moved = await this.#catchUp(stream, actor);
      if (!moved) throw new GuardFailedError(`append to ${stream} failed on a guard`);
    }
    throw new ConflictRetriesExhaustedError(
      `${stream}: gave up after ${this.options.maxRetries} conflicts`,
    );
  }
}
