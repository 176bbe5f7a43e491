import type { StoredEvent } from "../domain/event_envelope.ts";

export type KeyPart = string | number;

/**
 * A read model as a pure function of events. Each document is owned by exactly one stream
 * (`docId` derives from that stream's events), so the stream-head check of an append is what
 * keeps it consistent; no extra KV check is needed.
 */
export interface Projection<Doc = unknown> {
  name: string;
  /** Bumped when evolve's output changes shape; replay rebuilds into a new generation. */
  version: number;
  docId(event: StoredEvent): KeyPart[] | null;
  evolve(doc: Doc | null, event: StoredEvent): Doc | null;
  /** Secondary keys for sorted lookups (e.g. by expiry time); derived from the document. */
  indexes?(doc: Doc): KeyPart[][];
}

/** Folds events into a map of documents: what replay and the projection tests use. */
export function foldDocs<Doc>(
  projection: Projection<Doc>,
  events: Iterable<StoredEvent>,
  docs: Map<string, { id: KeyPart[]; doc: Doc }> = new Map(),
): Map<string, { id: KeyPart[]; doc: Doc }> {
  for (const event of events) {
    const id = projection.docId(event);
    if (!id) continue;
    const key = JSON.stringify(id);
    const next = projection.evolve(docs.get(key)?.doc ?? null, event);
    if (next === null) docs.delete(key);
    else docs.set(key, { id, doc: next });
  }
  return docs;
}
