import type { KeyPart } from "../../projections/mod.ts";

/** Every KV key the event-sourced core writes, in one place (DESIGN.md, "Event store"). */
export const keys = {
  event: (stream: string, version: number): Deno.KvKey => ["s", stream, version],
  streamEvents: (stream: string): Deno.KvKey => ["s", stream],
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
  projectionGens: (): Deno.KvKey => ["meta", "projection_gens"],
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
};
