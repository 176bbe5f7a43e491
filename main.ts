import { createApp } from "./src/app.ts";
import { systemClock } from "./src/clock.ts";
import { ConfigError, loadConfig } from "./src/config.ts";
import { randomIds } from "./src/ids.ts";
import { runExpiryJob } from "./src/images/expire_job.ts";
import { openKv } from "./src/kv.ts";
import { resolveSecret } from "./src/secret.ts";
import { buildServices } from "./src/services.ts";
import { exitOnSignals } from "./src/shutdown.ts";
import { VERSION } from "./src/version.ts";

const BLOB_GRACE_MS = 3600_000;

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
Deno.cron("expire images", "0 * * * *", async () => {
  const report = await runExpiryJob(await ready, { nowMs: Date.now() });
  console.log(
    `expiry: ${report.expired} expired, ${report.blobsDeleted} blobs deleted, ${report.failed.length} failed`,
  );
});
Deno.cron("deliver webhooks", "* * * * *", async () => {
  await (await ready).webhookDispatcher.tickOnce();
});
Deno.cron("collect orphaned blobs", "30 3 * * *", async () => {
  const s = await ready;
  // Variants are blobs no image references: the variant cache knows which are still in use.
  const res = await s.blobs.collect(Date.now(), BLOB_GRACE_MS, s.variants.isReferenced);
  console.log(`blob gc: ${res.blobs} blobs, ${res.generations} stray generations removed`);
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
