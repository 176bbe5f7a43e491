import { systemClock } from "../clock.ts";
import { ConfigError, loadConfig } from "../config.ts";
import { randomIds } from "../ids.ts";
import { openKv } from "../kv.ts";
import { buildServices, type Services } from "../services.ts";

/** CLI tasks read KV_PATH and the limits exactly like the server. */
export async function bootstrapCli(): Promise<Services> {
  try {
    const config = loadConfig(Deno.env.toObject());
    return buildServices(config, await openKv(config.kvPath), systemClock, randomIds);
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
