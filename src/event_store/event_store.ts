import type { EventMeta, StoredEvent } from "../../domain/event_envelope.ts";
import type { StreamId } from "../../domain/streams.ts";
import type { Projection } from "../../projections/mod.ts";
import { keys } from "./keys.ts";
import { assertWithinLimits, type Mutation, valueSize } from "./kv_limits.ts";
import { DocCache, type Generations, planProjectionWrites } from "./projection_writer.ts";

export type NewEvent = { type: string; data: unknown; schema: number };

/**
 * What a reader of a stream needs to append next: the version and its head's versionstamp, or
 * `none` for a stream with no events yet. An append expects exactly the head it names.
 */
export type StreamHead =
  | { kind: "none"; version: 0; versionstamp: null }
  | { kind: "exact"; version: number; versionstamp: string };

export const NO_STREAM: StreamHead = { kind: "none", version: 0, versionstamp: null };

export type StreamWrite = { stream: StreamId; expected: StreamHead; events: NewEvent[] };

export type AppendRequest = {
  writes: StreamWrite[];
  meta: Omit<EventMeta, "schema">;
  /** Stored under ["cmd", key] in the same atomic; a second append with the key fails. */
  idempotency?: { key: string; record: unknown; expireInMs: number };
  /** Extra guards from other stores (e.g. "the blob this event references still exists"). */
  guards?: Deno.AtomicCheck[];
};

export type AppendResult =
  /** `heads` is keyed by each stream's `key`. */
  | { ok: true; versionstamp: string; events: StoredEvent[]; heads: Record<string, StreamHead> }
  | { ok: false; reason: "conflict" | "duplicate" };

const LOG_PAGE = 500;
const GENERATIONS_TTL_MS = 2_000;

export type LogRecord = {
  at: number;
  streams: { stream: string; from: number; to: number }[];
  /**
   * A copy of the commit's events when they are small (almost always): replay then reads the
   * log sequentially instead of fetching every event by key. The events under ["s", …] stay
   * the truth; the copy is written in the same atomic and never changes.
   */
  events?: StoredEvent[];
};

/** Inline copies only while the log record stays well inside KV's 64 KiB value limit. */
const INLINE_LOG_BYTES = 16 * 1024;

export class EventStore {
  #gens: { value: Generations; versionstamp: string | null } | null = null;
  #gensAt = 0;
  readonly #docs = new DocCache();

  constructor(
    readonly kv: Deno.Kv,
    readonly projections: readonly Projection<unknown>[],
  ) {}

  /**
   * Which generation each projection lives in. Cached for a couple of seconds: after another
   * process switches generations (`replay --apply`), readers follow within that time (the old
   * generation is kept meanwhile), and appends notice at once because they check the key.
   */
  async generations(refresh = false): Promise<{ value: Generations; versionstamp: string | null }> {
    const now = performance.now();
    if (!this.#gens || refresh || now - this.#gensAt > GENERATIONS_TTL_MS) {
      const entry = await this.kv.get<Generations>(keys.projectionGens());
      this.#gens = { value: entry.value ?? {}, versionstamp: entry.versionstamp };
      this.#gensAt = now;
    }
    return this.#gens;
  }

  async append(req: AppendRequest): Promise<AppendResult> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const gens = await this.generations(attempt > 0);
      const result = await this.#tryAppend(req, gens);
      if (result !== "generation_moved") return result;
    }
    return { ok: false, reason: "conflict" };
  }

  async #tryAppend(
    req: AppendRequest,
    gens: { value: Generations; versionstamp: string | null },
  ): Promise<AppendResult | "generation_moved"> {
    const stored: StoredEvent[] = [];
    const mutations: Mutation[] = [];
    const heads: Record<string, StreamHead> = {};
    const log: LogRecord = { at: req.meta.at, streams: [] };
    for (const w of req.writes) {
      const stream = w.stream.key;
      let version = w.expected.version;
      for (const e of w.events) {
        version++;
        const event: StoredEvent = {
          stream,
          version,
          type: e.type,
          data: e.data,
          meta: { ...req.meta, schema: e.schema },
        };
        stored.push(event);
        mutations.push({ type: "set", key: keys.event(stream, version), value: event });
      }
      mutations.push({ type: "set", key: keys.head(stream), value: { version } });
      log.streams.push({ stream, from: w.expected.version + 1, to: version });
      // The commit's versionstamp is filled in once it is known.
      heads[stream] = { kind: "exact", version, versionstamp: "" };
    }
    if (valueSize(stored) <= INLINE_LOG_BYTES) log.events = stored;
    const expectedHeads = new Map(
      req.writes.map((w) => [w.stream.key, w.expected.versionstamp]),
    );
    const planned = await planProjectionWrites(
      this.kv,
      this.projections,
      gens.value,
      stored,
      expectedHeads,
      this.#docs,
    );
    mutations.push(...planned.mutations);
    mutations.push({ type: "set", key: keys.logHead(), value: { at: req.meta.at } });
    if (req.idempotency) {
      mutations.push({
        type: "set",
        key: keys.command(req.idempotency.key),
        value: req.idempotency.record,
        expireIn: req.idempotency.expireInMs,
      });
    }
    const checks: Deno.AtomicCheck[] = [
      ...req.writes.map((w) => ({
        key: keys.head(w.stream.key),
        versionstamp: w.expected.versionstamp,
      })),
      { key: keys.projectionGens(), versionstamp: gens.versionstamp },
      ...(req.idempotency ? [{ key: keys.command(req.idempotency.key), versionstamp: null }] : []),
      ...(req.guards ?? []),
    ];
    // The log record is one more set (its key is only known at commit).
    assertWithinLimits(checks.length, [...mutations, {
      type: "set",
      key: keys.logAt("x".repeat(20)),
      value: log,
    }]);

    const op = this.kv.atomic();
    for (const c of checks) op.check(c);
    for (const m of mutations) {
      if (m.type === "set") {
        op.set(m.key, m.value, m.expireIn ? { expireIn: m.expireIn } : undefined);
      } else op.delete(m.key);
    }
    op.set([...keys.log(), this.kv.commitVersionstamp()], log);
    const res = await op.commit();
    if (res.ok) {
      for (const [stream, h] of Object.entries(heads)) {
        heads[stream] = { kind: "exact", version: h.version, versionstamp: res.versionstamp };
      }
      for (const d of planned.docs) this.#docs.set(d.key, d.doc, res.versionstamp);
      return { ok: true, versionstamp: res.versionstamp, events: stored, heads };
    }
    if (req.idempotency && (await this.kv.get(keys.command(req.idempotency.key))).value !== null) {
      return { ok: false, reason: "duplicate" };
    }
    const now = await this.kv.get(keys.projectionGens());
    if (now.versionstamp !== gens.versionstamp) return "generation_moved";
    return { ok: false, reason: "conflict" };
  }

  async head(stream: StreamId): Promise<StreamHead> {
    const entry = await this.kv.get<{ version: number }>(keys.head(stream.key));
    return entry.versionstamp === null
      ? NO_STREAM
      : { kind: "exact", version: entry.value?.version ?? 0, versionstamp: entry.versionstamp };
  }

  /** Events of a stream after `afterVersion`, up to the head read first (so none is missing). */
  async readStream(
    stream: StreamId,
    afterVersion = 0,
  ): Promise<{ events: StoredEvent[]; head: StreamHead }> {
    const head = await this.head(stream);
    const events: StoredEvent[] = [];
    if (head.version > afterVersion) {
      const iter = this.kv.list<StoredEvent>({
        start: keys.event(stream.key, afterVersion + 1),
        end: keys.event(stream.key, head.version + 1),
      });
      for await (const entry of iter) events.push(entry.value);
    }
    return { events, head };
  }

  /** The global log in commit order, from just after `after` (a commit versionstamp). */
  async *readLog(after?: string): AsyncGenerator<{ versionstamp: string; events: StoredEvent[] }> {
    const iter = this.kv.list<LogRecord>(
      { start: after ? [...keys.logAt(after), ""] : keys.log(), end: keys.logEnd() },
      { batchSize: LOG_PAGE },
    );
    let page: Deno.KvEntry<LogRecord>[] = [];
    for await (const entry of iter) {
      page.push(entry);
      if (page.length === LOG_PAGE) {
        yield* this.#resolve(page);
        page = [];
      }
    }
    yield* this.#resolve(page);
  }

  /** Fetches a page of commits' events with parallel getMany calls, then yields them in order. */
  async *#resolve(page: Deno.KvEntry<LogRecord>[]) {
    const wanted: Deno.KvKey[] = [];
    for (const entry of page) {
      if (entry.value.events) continue;
      for (const s of entry.value.streams) {
        for (let v = s.from; v <= s.to; v++) wanted.push(keys.event(s.stream, v));
      }
    }
    const batches: Deno.KvKey[][] = [];
    for (let i = 0; i < wanted.length; i += 10) batches.push(wanted.slice(i, i + 10));
    const found = (await Promise.all(batches.map((b) => this.kv.getMany(b)))).flat();
    let i = 0;
    for (const entry of page) {
      if (entry.value.events) {
        yield {
          versionstamp: entry.key[1] as string,
          events: entry.value.events,
        };
        continue;
      }
      const events: StoredEvent[] = [];
      for (const s of entry.value.streams) {
        for (let v = s.from; v <= s.to; v++, i++) {
          if (found[i].value === null) {
            throw new Error(`log names a missing event ${JSON.stringify(wanted[i])}`);
          }
          events.push(found[i].value as StoredEvent);
        }
      }
      yield { versionstamp: entry.key[1] as string, events };
    }
  }

  async command<T>(key: string): Promise<T | null> {
    return (await this.kv.get<T>(keys.command(key))).value;
  }
}
