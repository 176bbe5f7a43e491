import { ConfigError } from "./config.ts";

/** Opens the embedded KV file (creating its folder) or, with no path, Deploy's managed KV. */
export async function openKv(path: string | undefined): Promise<Deno.Kv> {
  const dir = path && path !== ":memory:" ? path.replace(/[^/\\]*$/, "") : "";
  try {
    if (dir) await Deno.mkdir(dir, { recursive: true });
    return await Deno.openKv(path);
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
