import { createApp } from "./src/app.ts";
import { systemClock } from "./src/clock.ts";
import { ConfigError, loadConfig } from "./src/config.ts";
import { randomIds } from "./src/ids.ts";
import { blobGcCron, expiryCron } from "./src/jobs/mod.ts";
import { openKv } from "./src/kv.ts";
import { resolveSecret } from "./src/secret.ts";
import { buildServices } from "./src/services.ts";
import { exitOnSignals } from "./src/shutdown.ts";
import { VERSION } from "./src/version.ts";

/** A configuration mistake stops the start with its one message, never a stack trace. */
function stopOnConfigError(err: unknown): never {
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  Deno.exit(2);
}

function boot() {
  try {
    return loadConfig(Deno.env.toObject());
  } catch (err) {
    stopOnConfigError(err);
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
Deno.cron("deliver webhooks", "* * * * *", async () => {
  await (await ready).webhookDispatcher.tickOnce();
});
Deno.cron("collect orphaned blobs", "30 3 * * *", async () => {
  await blobGcCron(await ready, Date.now());
});

const services = await ready.catch(stopOnConfigError);
// Webhook deliveries: a catch-up over the event log, every second (see src/webhooks).
services.webhookDispatcher.start(1_000);
const app = createApp({ ...services, version: VERSION });
const server = Deno.serve({
  port: config.port,
  onListen: () => {
    console.log(`imgpro listening on ${config.publicUrl}`);
    // Codecs compile in the Workers once the port is open, not before the first /healthz.
    services.engine.warm(250);
  },
}, app.fetch);
exitOnSignals(server, services.engine);
