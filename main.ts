import { createApp } from "./src/app.ts";
import { systemClock } from "./src/clock.ts";
import { ConfigError, loadConfig } from "./src/config.ts";
import { randomIds } from "./src/ids.ts";
import { blobGcCron, expiryCron } from "./src/jobs/mod.ts";
import { openKv } from "./src/kv.ts";
import { resolveSecret } from "./src/secret.ts";
import { buildServices } from "./src/services.ts";
import { VERSION } from "./src/version.ts";

function boot() {
  try {
    return loadConfig(Deno.env.toObject());
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    Deno.exit(2);
  }
}

const config = boot();
const ready = (async () => {
  const kv = await openKv(config.kvPath);
  return buildServices(config, kv, systemClock, randomIds, await resolveSecret(kv, config.secret));
})();

// Crons are registered at the top level, before any await, so Deploy can extract them.
// Each takes a KV lease, so with several processes on one store only one runs it at a time.
Deno.cron("expire images", "0 * * * *", async () => {
  await expiryCron(await ready, Date.now());
});
Deno.cron("collect orphaned blobs", "30 3 * * *", async () => {
  await blobGcCron(await ready, Date.now());
});

const app = createApp({ ...await ready, version: VERSION });
Deno.serve({
  port: config.port,
  onListen: () => console.log(`imgpro listening on ${config.publicUrl}`),
}, app.fetch);
