import { ALL_PROJECTIONS } from "../../projections/mod.ts";
import { EventStore, NO_STREAM } from "../../src/event_store/mod.ts";

export const META = {
  at: 1_700_000_000_000,
  actor: "test",
  command_id: "cmd",
  correlation_id: "corr",
};

export function uploadedData(id: string, over: Record<string, unknown> = {}) {
  return {
    id,
    source: "upload",
    owner: null,
    blob: { hash: "c".repeat(64), size: 100 },
    format: "png",
    extension: "png",
    mime: "image/png",
    width: 10,
    height: 10,
    frames: 1,
    created_at: 1_700_000_000,
    expires_at: 1_700_000_000 + 86_400,
    ...over,
  };
}

/** The head an append to a new stream expects. */
export const FRESH = NO_STREAM;

export async function memoryStore() {
  const kv = await Deno.openKv(":memory:");
  return { kv, store: new EventStore(kv, ALL_PROJECTIONS), [Symbol.dispose]: () => kv.close() };
}
