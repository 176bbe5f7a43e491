import { withBusyRetry } from "./kv_retry.ts";

/** Opens the embedded KV file (creating its folder) or, with no path, Deploy's managed KV. */
export async function openKv(path: string | undefined): Promise<Deno.Kv> {
  if (path && path !== ":memory:") {
    const dir = path.replace(/[^/\\]*$/, "");
    if (dir) await Deno.mkdir(dir, { recursive: true });
  }
  const kv = await Deno.openKv(path);
  // A file may be shared by several processes on this machine (see docs/deployment.md).
  return path && path !== ":memory:" && !/^https?:/.test(path) ? withBusyRetry(kv) : kv;
}
