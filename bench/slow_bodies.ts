/**
 * Issue 13: a legitimate upload beside three bodies trickling 1 byte/s, over loopback. Before
 * the bodies were read ahead of the ingest slots it waited 22–28 s; the target is 5 s.
 */
import { trickle } from "../tests/support/trickle.ts";
import { type Bench, fixture, startApp, upload, withFileKv } from "./support.ts";

export const slowBodies: Bench = {
  id: "slow_bodies",
  name: "upload beside three bodies trickling 1 byte/s",
  run: () =>
    withFileKv("slow_bodies", async (kv) => {
      const app = startApp(kv);
      try {
        const port = Number(new URL(app.base).port);
        const slow = [trickle(port), trickle(port), trickle(port)];
        await new Promise((r) => setTimeout(r, 500));
        const file = new Blob([await fixture("portrait.jpg")], { type: "image/jpeg" });
        const at = performance.now();
        const answer = await upload(app.base, file, "portrait.jpg");
        const ms = performance.now() - at;
        const h = performance.now();
        await (await fetch(`${app.base}/healthz`)).body?.cancel();
        const healthMs = performance.now() - h;
        const cut = await Promise.all(slow);
        return [
          {
            name: "legitimate upload beside 3 trickling bodies",
            value: ms,
            unit: "ms",
            target: { op: "<", value: 5_000 },
            note: `answered ${answer.status}; /healthz meanwhile ${Math.round(healthMs)} ms`,
          },
          {
            name: "  trickling bodies cut after",
            value: Math.max(...cut.map((c) => c.ms)),
            unit: "ms",
            note: cut.map((c) => `${c.status} ${c.body.error ?? ""}`).join(", "),
          },
        ];
      } finally {
        await app.close();
      }
    }),
};
