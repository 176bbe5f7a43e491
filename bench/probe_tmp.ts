import { startApp, upload, withFileKv, fixture } from "./support.ts";
await withFileKv("probe", async (kv) => {
  const app = startApp(kv);
  const stored = await upload(app.base, new Blob([await fixture("large.jpg")]), "large.jpg");
  const { createApp } = await import("../src/app.ts");
  const a = createApp({ ...app.services, version: "x" });
  const path = `http://127.0.0.1/${stored.body.id}?size=s`;
  await (await a.fetch(new Request(path))).arrayBuffer();
  for (let k = 0; k < 3; k++) {
    const N = 6000;
    const t = performance.now();
    for (let i = 0; i < N; i++) await (await a.fetch(new Request(path))).arrayBuffer();
    console.log("cached", ((performance.now() - t) / N * 1000).toFixed(1), "µs/req");
  }
  await app.close();
});
