/**
 * Prints the folders a service task may write, for `--allow-write=$(…)` in deno.json: `./data`
 * and the folder of `KV_PATH`, so the permission follows the configuration instead of the
 * configuration having to fit the permission. Needs only `--allow-env=KV_PATH`.
 */
export function writableDirs(kvPath: string | undefined): string {
  const dirs = ["./data"];
  // A comma would split the flag's list; such a path is left to openKv's one-line refusal.
  if (kvPath && kvPath !== ":memory:" && !kvPath.includes(",")) {
    dirs.push(kvPath.replace(/[^/\\]*$/, "") || ".");
  }
  return dirs.join(",");
}

if (import.meta.main) console.log(writableDirs(Deno.env.get("KV_PATH") || undefined));
