import { ConfigError } from "./config.ts";
import { withBusyRetry } from "./kv_retry.ts";

const isUrl = (path: string) => /^https?:\/\//.test(path);

/**
 * Opens the embedded KV file (creating its folder), a KV Connect URL (several machines; the
 * token comes from DENO_KV_ACCESS_TOKEN) or, with no path, Deploy's managed KV.
 */
export async function openKv(path: string | undefined): Promise<Deno.Kv> {
  if (!path || path === ":memory:" || isUrl(path)) return await Deno.openKv(path);
  const dir = path.replace(/[^/\\]*$/, "");
  try {
    if (dir) await Deno.mkdir(dir, { recursive: true });
    // A file may be shared by several processes on this machine (see docs/deployment.md).
    return withBusyRetry(await Deno.openKv(path));
  } catch (err) {
    // A configuration mistake, not a crash: one line that names the variable and the fix.
    if (err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied) {
      throw new ConfigError(
        `KV_PATH=${path} cannot be written by this process (${err.message.split("\n")[0]}). ` +
          `Use the deno tasks (they allow KV_PATH's folder), add --allow-write=${
            dir || "."
          } to deno run, or make the folder writable for this user.`,
      );
    }
    throw err;
  }
}
