import { ALL_PROJECTIONS } from "../projections/mod.ts";
import { EventStore, type StreamHead } from "../src/event_store/mod.ts";
import {
  appendMeta,
  appendUploads,
  type Bench,
  type Figure,
  imageIdFor,
  imageUploadedEvent,
  seconds,
  withFileKv,
} from "./support.ts";
import { streams } from "../domain/streams.ts";

const EVENTS = 5_000;
const WARMUP = 300;
const TARGET = { op: ">=", value: 1_500 } as const;

/** One event per append, all to one stream, each expecting the head the previous one left. */
async function oneStream(store: EventStore, id: string, count: number) {
  const stream = streams.image(id);
  let head: StreamHead = await store.head(stream);
  for (let i = 0; i < count; i++) {
    const res = await store.append({
      writes: [{ stream, expected: head, events: [imageUploadedEvent(id, i)] }],
      meta: appendMeta(i),
    });
    if (!res.ok) throw new Error(`append to ${stream.key} failed: ${res.reason}`);
    head = res.heads[stream.key];
  }
}

export const appendRate: Bench = {
  id: "append_rate",
  name: "event append rate (single writer, file KV, inline projections)",
  run: () =>
    withFileKv("append_rate", async (kv) => {
      const store = new EventStore(kv, ALL_PROJECTIONS);
      // Warm up the JIT and the SQLite page cache on streams the timed runs do not touch.
      await appendUploads(store, WARMUP, 10_000_000);
      await oneStream(store, imageIdFor(0, "warm"), WARMUP);

      let t = performance.now();
      await appendUploads(store, EVENTS, 0);
      const distinct = EVENTS / seconds(t);

      t = performance.now();
      await oneStream(store, imageIdFor(0, "one"), EVENTS);
      const single = EVENTS / seconds(t);

      // The same appends on an in-memory KV: what is left when the disk is taken away.
      const memory = await Deno.openKv(":memory:");
      let inMemory: number;
      try {
        const memStore = new EventStore(memory, ALL_PROJECTIONS);
        await appendUploads(memStore, WARMUP, 10_000_000);
        t = performance.now();
        await appendUploads(memStore, EVENTS, 0);
        inMemory = EVENTS / seconds(t);
      } finally {
        memory.close();
      }

      const figures: Figure[] = [
        {
          name: `append, ${EVENTS} distinct streams`,
          value: distinct,
          unit: "events/s",
          target: TARGET,
        },
        {
          name: `append, one stream x ${EVENTS}`,
          value: single,
          unit: "events/s",
          target: TARGET,
        },
        {
          name: `  (same ${EVENTS} appends on an in-memory KV)`,
          value: inMemory,
          unit: "events/s",
          note: "no disk: the file-KV gap is SQLite commit I/O",
        },
      ];
      return figures;
    }),
};
