import type { KeyPart } from "../projections/mod.ts";

/**
 * Every KV key the service writes, grouped by the concern that owns it (DESIGN.md, "Event
 * store"). Existing data is read back through these builders, so a key's parts and their order
 * never change; a new concern takes a first element no other concern uses (kv_keys_test.ts).
 */
export const kvKeys = {
  /** The event-sourced core: streams, the log, commands and projection documents. */
  events: {
    event: (stream: string, version: number): Deno.KvKey => ["s", stream, version],
    streamEvents: (stream: string): Deno.KvKey => ["s", stream],
    /** Every stream's events and heads, in stream order. */
    streams: (): Deno.KvKey => ["s"],
    /** Beside the stream's events (strings sort before numbers), so an append dirties one area. */
    head: (stream: string): Deno.KvKey => ["s", stream, "head"],
    log: (): Deno.KvKey => ["log"],
    logAt: (versionstamp: string): Deno.KvKey => ["log", versionstamp],
    /**
     * Blind-written by every append, so a replay `--apply` can tell whether the log moved. "~"
     * sorts after every versionstamp: the key sits beside the newest log record, in the same page.
     */
    logHead: (): Deno.KvKey => ["log", "~head"],
    /** Upper bound of the log's records, excluding the head key. */
    logEnd: (): Deno.KvKey => ["log", "~"],
    command: (id: string): Deno.KvKey => ["cmd", id],
    doc: (name: string, gen: string, id: KeyPart[]): Deno.KvKey => ["p", name, gen, "d", ...id],
    docs: (name: string, gen: string): Deno.KvKey => ["p", name, gen, "d"],
    index: (name: string, gen: string, at: KeyPart[], id: KeyPart[]): Deno.KvKey => [
      "p",
      name,
      gen,
      "i",
      ...at,
      ...id,
    ],
    indexPrefix: (name: string, gen: string, at: KeyPart[] = []): Deno.KvKey => [
      "p",
      name,
      gen,
      "i",
      ...at,
    ],
    generation: (name: string, gen: string): Deno.KvKey => ["p", name, gen],
  },
  /** Single named values. "meta" is shared on purpose: each value has its own second part. */
  meta: {
    projectionGens: (): Deno.KvKey => ["meta", "projection_gens"],
    /** The generations a replay `--apply` replaced, kept until the next switch. */
    previousProjectionGens: (): Deno.KvKey => ["meta", "projection_gens_previous"],
    devSecret: (): Deno.KvKey => ["meta", "dev_secret"],
  },
  blobs: {
    meta: (hash: string): Deno.KvKey => ["blobmeta", hash],
    allMeta: (): Deno.KvKey => ["blobmeta"],
    gen: (hash: string, gen: string): Deno.KvKey => ["bgen", hash, gen],
    allGens: (): Deno.KvKey => ["bgen"],
    chunk: (hash: string, gen: string, n: number): Deno.KvKey => ["blob", hash, gen, n],
  },
  variants: {
    entry: (imageId: string, key: string): Deno.KvKey => ["variant", imageId, key],
    ofImage: (imageId: string): Deno.KvKey => ["variant", imageId],
    lru: (usedAt: number, imageId: string, key: string): Deno.KvKey => [
      "variant_lru",
      usedAt,
      imageId,
      key,
    ],
    allLru: (): Deno.KvKey => ["variant_lru"],
    ref: (hash: string, imageId: string, key: string): Deno.KvKey => [
      "variant_ref",
      hash,
      imageId,
      key,
    ],
    refsOf: (hash: string): Deno.KvKey => ["variant_ref", hash],
    total: (): Deno.KvKey => ["variant_total"],
  },
  sessions: {
    /** Under the token's hash: the KV never holds a usable token. */
    session: (tokenHash: string): Deno.KvKey => ["session", tokenHash],
  },
  rateLimits: {
    window: (scope: string, subject: string, seconds: number, index: number): Deno.KvKey => [
      "rl",
      scope,
      subject,
      seconds,
      index,
    ],
  },
  emailVault: {
    /** Outside the log, so deleting it erases the address (crypto-shredding). */
    accountKey: (accountId: string): Deno.KvKey => ["account_key", accountId],
  },
  webhooks: {
    hook: (id: string): Deno.KvKey => ["webhook", id],
    byOwner: (owner: string, id?: string): Deno.KvKey =>
      id ? ["webhook_owner", owner, id] : ["webhook_owner", owner],
    /** Rewritten by every registration of the owner's, so two cannot both pass the limit. */
    ownerMarker: (owner: string): Deno.KvKey => ["webhook_owner_marker", owner],
    /** A webhook's queue, in log order (seq is the commit versionstamp and the event's index). */
    queue: (id: string, seq?: string): Deno.KvKey =>
      seq ? ["webhook_queue", id, seq] : ["webhook_queue", id],
    /** Set while a webhook's queue is not empty, so a tick visits only those. */
    pending: (id?: string): Deno.KvKey => id ? ["webhook_pending", id] : ["webhook_pending"],
    attempts: (id: string): Deno.KvKey => ["webhook_attempt", id],
    attempt: (id: string, atMs: number, msgId: string, n: number): Deno.KvKey => [
      "webhook_attempt",
      id,
      atMs,
      msgId,
      n,
    ],
    /** The last log commit the dispatcher has turned into deliveries. */
    checkpoint: (): Deno.KvKey => ["webhook_checkpoint"],
    /** Held by the process delivering a webhook's queue, so two do not send it at once. */
    lease: (id: string): Deno.KvKey => ["webhook_lease", id],
  },
  jobs: {
    /** Held by the process running a scheduled job (e.g. "cron:expire"). */
    lease: (name: string): Deno.KvKey => ["lease", name],
  },
};
