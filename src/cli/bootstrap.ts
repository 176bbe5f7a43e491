import { systemClock } from "../clock.ts";
import { ConfigError, loadConfig } from "../config.ts";
import { randomIds } from "../ids.ts";
import { openKv } from "../kv.ts";
import { resolveSecret } from "../secret.ts";
import { buildServices, type Services } from "../services.ts";

/** CLI tasks read KV_PATH and the limits exactly like the server. */
export async function bootstrapCli(): Promise<Services> {
  try {
    const config = loadConfig(Deno.env.toObject());
    const kv = await openKv(config.kvPath);
    return buildServices(
      config,
      kv,
      systemClock,
      randomIds,
      await resolveSecret(kv, config.secret),
    );
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      Deno.exit(2);
    }
    throw err;
  }
}

export function shutdown(services: Services) {
  services.runtime.close();
  services.kv.close();
}
