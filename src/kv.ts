import { withBusyRetry } from "./kv_retry.ts";

const isUrl = (path: string) => /^https?:\/\//.test(path);

/**
 * Opens the embedded KV file (creating its folder), a KV Connect URL (several machines; the
 * token comes from DENO_KV_ACCESS_TOKEN) or, with no path, Deploy's managed KV.
 */
export async function openKv(path: string | undefined): Promise<Deno.Kv> {
  if (path && path !== ":memory:" && !isUrl(path)) {
    const dir = path.replace(/[^/\\]*$/, "");
    if (dir) await Deno.mkdir(dir, { recursive: true });
  }
  const kv = await Deno.openKv(path);
  // A file may be shared by several processes on this machine (see docs/deployment.md).
  return path && path !== ":memory:" && !isUrl(path) ? withBusyRetry(kv) : kv;
}
