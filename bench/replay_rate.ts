import { ALL_PROJECTIONS } from "../projections/mod.ts";
import { EventStore } from "../src/event_store/mod.ts";
import { replay } from "../src/replay/replay.ts";
import { appendUploads, type Bench, seconds, withFileKv } from "./support.ts";

const EVENTS = 20_000;

export const replayRate: Bench = {
  id: "replay_rate",
  name: "replay rate (dry run over the whole log)",
  run: () =>
    withFileKv("replay_rate", async (kv) => {
      const store = new EventStore(kv, ALL_PROJECTIONS);
      // One event per commit, as uploads write them: the log has one record per event.
      const built = performance.now();
      await appendUploads(store, EVENTS);
      const buildSeconds = seconds(built);

      const t = performance.now();
      const report = await replay(store);
      const elapsed = seconds(t);
      if (report.events !== EVENTS || report.commits !== EVENTS) {
        throw new Error(`replay saw ${report.events} events in ${report.commits} commits`);
      }
      return [
        {
          name: `replay(store), ${EVENTS} events / ${EVENTS} commits`,
          value: EVENTS / elapsed,
          unit: "events/s",
          target: { op: ">=", value: 20_000 },
          note: `${elapsed.toFixed(2)} s, ${report.differences.length} differences, ` +
            `${report.documents} documents`,
        },
        {
          name: "  (building that log by appends)",
          value: EVENTS / buildSeconds,
          unit: "events/s",
          note: `${buildSeconds.toFixed(1)} s`,
        },
      ];
    }),
};
