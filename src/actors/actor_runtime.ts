import type {
  CommandOf,
  Decider,
  DomainEventLike,
  SomeDecider,
  StateOf,
} from "../../domain/decider.ts";
import type { Deciders } from "../../domain/deciders.ts";
import type { StoredEvent } from "../../domain/event_envelope.ts";
import { AppError } from "../../domain/errors.ts";
import type { ExpectedVersion, StreamId } from "../../domain/streams.ts";
import { type EventStore, type NewEvent, NO_STREAM, type StreamHead } from "../event_store/mod.ts";

export type { Decider, DomainEventLike };

/** The decider of each stream type the runtime serves. */
export type DeciderMap = Record<string, SomeDecider>;

/** Turns a decided event into what gets stored: validates `data` and stamps its schema version. */
export type EventCodec = (event: DomainEventLike) => NewEvent;

/** One stream's part of a transaction, typed by the stream's decider. */
export type TransactStep<D extends DeciderMap = Deciders> = {
  [T in keyof D & string]: {
    stream: StreamId<T>;
    /** A command, or one derived from the events the earlier steps decided (null: nothing). */
    command: CommandOf<D[T]> | ((prior: DomainEventLike[]) => CommandOf<D[T]> | null);
    /** Refuse with precondition_failed unless the stream is there (If-Match); `any` by default. */
    expected?: ExpectedVersion;
  };
}[keyof D & string];

export type TransactResult<D extends DeciderMap = Deciders> =
  | {
    ok: true;
    /** The state of a stream the transaction named, after it. */
    state<T extends keyof D & string>(stream: StreamId<T>): StateOf<D[T]>;
    version(stream: StreamId): number;
    events: StoredEvent[];
  }
  | { ok: false; reason: "duplicate" };

export type SendOptions = {
  /** Refuse with precondition_failed unless the stream is at this version (If-Match). */
  expected?: ExpectedVersion;
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
  stream: StreamId;
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
export class ActorRuntime<D extends DeciderMap = Deciders> {
  /** By stream key. */
  #actors = new Map<string, Actor>();

  constructor(
    readonly store: EventStore,
    private readonly deciders: D,
    private readonly codec: EventCodec,
    private readonly options: { idleMs: number; maxRetries: number } = {
      idleMs: 60_000,
      maxRetries: 8,
    },
  ) {}

  get size(): number {
    return this.#actors.size;
  }

  send<T extends keyof D & string>(
    stream: StreamId<T>,
    command: CommandOf<D[T]>,
    opts: SendOptions,
  ): Promise<SendResult<StateOf<D[T]>>> {
    // The mapped step type does not narrow for a generic T; this is its T member.
    const step: { stream: StreamId<T>; command: CommandOf<D[T]>; expected?: ExpectedVersion } = {
      stream,
      command,
      expected: opts.expected,
    };
    return this.#run([step], opts).then((res) =>
      res.ok
        ? {
          ok: true,
          state: res.state(stream),
          events: res.events,
          version: res.version(stream),
        }
        : res
    );
  }

  /**
   * Decides one command per stream and commits all their events in one atomic append, with
   * every stream head checked (e.g. an upload and the quota it consumes). Mailboxes are taken
   * in one synchronous step, so two transactions over the same streams cannot deadlock.
   */
  transact(steps: TransactStep<D>[], opts: SendOptions): Promise<TransactResult<D>> {
    return this.#run(steps, opts);
  }

  #run(steps: AnyStep[], opts: SendOptions): Promise<TransactResult<D>> {
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
    for (const actor of actors) {
      actor.mailbox = settled;
      this.#touch(actor);
    }
    return run;
  }

  /** Current state of a stream's actor (hydrating it if needed). */
  state<T extends keyof D & string>(stream: StreamId<T>): Promise<StateOf<D[T]>> {
    const actor = this.#actorFor(stream);
    if (actor instanceof Error) return Promise.reject(actor);
    const run = actor.mailbox.then(async () => {
      await this.#catchUp(actor);
      return actor.state as StateOf<D[T]>;
    });
    actor.mailbox = run.catch(() => {});
    this.#touch(actor);
    return run;
  }

  close(): void {
    for (const actor of this.#actors.values()) clearTimeout(actor.idle);
    this.#actors.clear();
  }

  #decider(stream: StreamId): SomeDecider {
    // Typed callers cannot name a type without a decider; an untyped one still gets an error.
    const decider: SomeDecider | undefined = Object.hasOwn(this.deciders, stream.type)
      ? this.deciders[stream.type]
      : undefined;
    if (!decider) throw new Error(`no decider for stream ${stream.key}`);
    return decider;
  }

  #actorFor(stream: StreamId): Actor | Error {
    try {
      return this.#actors.get(stream.key) ?? this.#spawn(stream);
    } catch (err) {
      return err as Error;
    }
  }

  #spawn(stream: StreamId): Actor {
    const actor: Actor = {
      stream,
      state: this.#decider(stream).initialState(),
      head: NO_STREAM,
      mailbox: Promise.resolve(),
    };
    this.#actors.set(stream.key, actor);
    return actor;
  }

  #touch(actor: Actor) {
    clearTimeout(actor.idle);
    const key = actor.stream.key;
    const timer = setTimeout(() => {
      // Passivate only if no newer actor replaced this one and nothing is queued behind it.
      void actor.mailbox.then(() => {
        if (this.#actors.get(key) === actor) this.#actors.delete(key);
      });
    }, this.options.idleMs);
    Deno.unrefTimer(timer);
    actor.idle = timer;
  }

  async #catchUp(actor: Actor): Promise<boolean> {
    const decider = this.#decider(actor.stream);
    const { events, head } = await this.store.readStream(actor.stream, actor.head.version);
    for (const e of events) actor.state = decider.evolve(actor.state, e as DomainEventLike);
    const moved = head.versionstamp !== actor.head.versionstamp;
    actor.head = head;
    return moved;
  }

  async #handle(
    steps: AnyStep[],
    actors: Actor[],
    opts: SendOptions,
  ): Promise<TransactResult<D>> {
    for (let i = 0; i < steps.length; i++) {
      // A precondition is judged against the stream, not this isolate's cached copy of it: a
      // head that is unknown or disagrees with the caller's is refreshed first.
      const expect = wanted(steps[i].expected);
      const stale = expect !== undefined && expect !== actors[i].head.version;
      if (actors[i].head.versionstamp === null || stale) await this.#catchUp(actors[i]);
    }
    for (let attempt = 0; attempt <= this.options.maxRetries; attempt++) {
      const decided: DomainEventLike[][] = [];
      steps.forEach((step, i) => {
        const expect = wanted(step.expected);
        if (expect !== undefined && expect !== actors[i].head.version) {
          throw new AppError(
            "precondition_failed",
            `${step.stream.key} is at version ${actors[i].head.version}, not ${expect}.`,
          );
        }
        const command = commandOf(step, decided.flat());
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
              stream: w.stream.key,
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
          const head = res.heads[step.stream.key];
          if (head) actors[i].head = head;
        });
        return this.#result(steps, actors, res.events);
      }
      if (res.reason === "duplicate") return { ok: false, reason: "duplicate" };
      let moved = false;
      for (let i = 0; i < steps.length; i++) {
        moved = (await this.#catchUp(actors[i])) || moved;
      }
      if (!moved) {
        throw new GuardFailedError(`append to ${keysOf(steps)} failed on a guard`);
      }
    }
    throw new ConflictRetriesExhaustedError(
      `${keysOf(steps)}: gave up after ${this.options.maxRetries} conflicts`,
    );
  }

  #result(steps: AnyStep[], actors: Actor[], events: StoredEvent[]): TransactResult<D> {
    const states = new Map<string, unknown>();
    const versions = new Map<string, number>();
    steps.forEach((s, i) => {
      states.set(s.stream.key, actors[i].state);
      versions.set(s.stream.key, actors[i].head.version);
    });
    return {
      ok: true,
      // The step for this stream ran its decider, so the state is that decider's.
      state: <T extends keyof D & string>(stream: StreamId<T>) =>
        states.get(stream.key) as StateOf<D[T]>,
      version: (stream) => versions.get(stream.key) ?? 0,
      events,
    };
  }
}

/** A step as the runtime handles it inside, once its types have been checked at the call. */
type AnyStep = {
  stream: StreamId;
  command: unknown;
  expected?: ExpectedVersion;
};

/** The version a step's expectation asks for; undefined when it asks for none. */
function wanted(expected: ExpectedVersion | undefined): number | undefined {
  if (!expected || expected.kind === "any") return undefined;
  return expected.kind === "none" ? 0 : expected.version;
}

/** A step's command, or the one its function derives from what the earlier steps decided. */
function commandOf(step: AnyStep, prior: DomainEventLike[]): unknown {
  const { command } = step;
  return isDerived(command) ? command(prior) : command;
}

const isDerived = (c: unknown): c is (prior: DomainEventLike[]) => unknown =>
  typeof c === "function";

const keysOf = (steps: AnyStep[]) => steps.map((s) => s.stream.key);
