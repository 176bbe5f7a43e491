import type { StoredEvent } from "../../domain/event_envelope.ts";
import { DomainError } from "../../domain/errors.ts";
import type { EventStore, NewEvent, StreamHead } from "../event_store/mod.ts";

export type DomainEventLike = { type: string; data: unknown };

export type Decider<S, C, E extends DomainEventLike> = {
  initialState(): S;
  evolve(state: S, event: E): S;
  decide(command: C, state: S): E[];
};

/** Turns a decided event into what gets stored: validates `data` and stamps its schema version. */
export type EventCodec = (event: DomainEventLike) => NewEvent;

export type TransactStep = {
  stream: string;
  /** A command, or one derived from the events the earlier steps decided (null: nothing). */
  command: unknown | ((prior: DomainEventLike[]) => unknown | null);
  expectVersion?: number;
};

export type TransactResult =
  | {
    ok: true;
    states: Record<string, unknown>;
    versions: Record<string, number>;
    events: StoredEvent[];
  }
  | { ok: false; reason: "duplicate" };

export type SendOptions = {
  /** Refuse with precondition_failed unless the stream is at this version (If-Match). */
  expectVersion?: number;
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
    return this.transact([{ stream, command, expectVersion: opts.expectVersion }], opts).then((
      res,
    ) =>
      res.ok
        ? {
          ok: true,
          state: res.states[stream] as S,
          events: res.events,
          version: res.versions[stream],
        }
        : res
    );
  }

  /**
   * Decides one command per stream and commits all their events in one atomic append, with
   * every stream head checked (e.g. an upload and the quota it consumes). Mailboxes are taken
   * in one synchronous step, so two transactions over the same streams cannot deadlock.
   */
  transact(steps: TransactStep[], opts: SendOptions): Promise<TransactResult> {
    const actors: Actor[] = [];
    for (const step of steps) {
      const actor = this.#actorFor(step.stream);
      if (actor instanceof Error) return Promise.reject(actor);
      actors.push(actor);
    }
    const previous = actors.map((a) => a.mailbox);
    const run = Promise.all(previous).then(() => this.#handle(steps, actors, opts));
    // A mailbox must survive a failed command, so the next one still runs.
    const settled = run.catch(() => {});
    actors.forEach((actor, i) => {
      actor.mailbox = settled;
      this.#touch(steps[i].stream, actor);
    });
    return run;
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
    steps: TransactStep[],
    actors: Actor[],
    opts: SendOptions,
  ): Promise<TransactResult> {
    for (let i = 0; i < steps.length; i++) {
      const expect = steps[i].expectVersion;
      // A precondition is judged against the stream, not this isolate's cached copy of it: a
      // head that is unknown or disagrees with the caller's is refreshed first.
      const stale = expect !== undefined && expect !== actors[i].head.version;
      if (actors[i].head.versionstamp === null || stale) {
        await this.#catchUp(steps[i].stream, actors[i]);
      }
    }
    for (let attempt = 0; attempt <= this.options.maxRetries; attempt++) {
      const decided: DomainEventLike[][] = [];
      steps.forEach((step, i) => {
        const expect = step.expectVersion;
        if (expect !== undefined && expect !== actors[i].head.version) {
          throw new DomainError(
            "precondition_failed",
            `${step.stream} is at version ${actors[i].head.version}, not ${expect}.`,
          );
        }
        const command = typeof step.command === "function"
          ? step.command(decided.flat())
          : step.command;
        decided.push(
          command === null ? [] : this.#decider(step.stream).decide(command, actors[i].state),
        );
      });
      const writes = steps.map((step, i) => ({
        stream: step.stream,
        expected: actors[i].head,
        events: decided[i].map(this.codec),
      })).filter((w) => w.events.length > 0);
      if (writes.length === 0) return this.#result(steps, actors, []);
      const res = await this.store.append({
        writes,
        meta: opts.meta,
        guards: opts.guards,
        idempotency: opts.idempotency && {
          key: opts.idempotency.key,
          expireInMs: opts.idempotency.expireInMs,
          record: opts.idempotency.record(writes.flatMap((w) =>
            w.events.map((e, i) => ({
              stream: w.stream,
              version: w.expected.version + i + 1,
              type: e.type,
              data: e.data,
              meta: { ...opts.meta, schema: e.schema },
            }))
          )),
        },
      });
      if (res.ok) {
        steps.forEach((step, i) => {
          const decider = this.#decider(step.stream);
          for (const e of decided[i]) actors[i].state = decider.evolve(actors[i].state, e);
          if (res.heads[step.stream]) actors[i].head = res.heads[step.stream];
        });
        return this.#result(steps, actors, res.events);
      }
      if (res.reason === "duplicate") return { ok: false, reason: "duplicate" };
      let moved = false;
      for (let i = 0; i < steps.length; i++) {
        moved = (await this.#catchUp(steps[i].stream, actors[i])) || moved;
      }
      if (!moved) {
        throw new GuardFailedError(`append to ${steps.map((s) => s.stream)} failed on a guard`);
      }
    }
    throw new ConflictRetriesExhaustedError(
      `${steps.map((s) => s.stream)}: gave up after ${this.options.maxRetries} conflicts`,
    );
  }

  #result(steps: TransactStep[], actors: Actor[], events: StoredEvent[]): TransactResult {
    const states: Record<string, unknown> = {};
    const versions: Record<string, number> = {};
    steps.forEach((s, i) => {
      states[s.stream] = actors[i].state;
      versions[s.stream] = actors[i].head.version;
    });
    return { ok: true, states, versions, events };
  }
}
