import type { TestApp } from "./http.ts";

/** One `deno run main.ts` on a loopback port: a real second process over a shared store. */
export type ServerProcess = {
  base: string;
  /** Looks enough like a TestApp for the request helpers (they only call `app.request`). */
  client: TestApp;
  stop(): Promise<void>;
};

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

export async function startServer(env: Record<string, string>): Promise<ServerProcess> {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-env", "--allow-read", "--allow-write=./data", "main.ts"],
    env: { ...env, PORT: String(port), NO_COLOR: "1" },
    stdin: "null",
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch { /* already gone */ }
    await child.status;
  };
  for (let i = 0;; i++) {
    try {
      const res = await fetch(`${base}/healthz`);
      await res.body?.cancel();
      if (res.ok) break;
    } catch {
      if (i > 400) {
        await stop();
        throw new Error("server did not start");
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const request = (path: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, { redirect: "manual", ...init });
  return { base, client: { app: { request } } as unknown as TestApp, stop };
}
