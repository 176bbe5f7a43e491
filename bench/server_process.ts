/**
 * Servers the engine benchmarks talk to, each in its own process (so the load generator, the
 * clients and the server are measured as they would be deployed): the app as `deno task start`
 * runs it, a bare Deno.serve, and the Node + sharp reference.
 */
import { BENCH_DIR } from "./support.ts";

export type ServerProcess = {
  base: string;
  pid: number;
  /** Milliseconds from spawn to the first 200 on /healthz (or /). */
  startMs: number;
  /** VmHWM of the process: its peak resident set, in bytes. */
  peakRss(): Promise<number>;
  stop(): Promise<void>;
};

let nextPort = 18_700 + Math.floor(Math.random() * 500);

/** The app, from `root` (this checkout, or another one to compare against). */
export function startService(
  env: Record<string, string> = {},
  root = Deno.env.get("BENCH_ROOT") ?? new URL("..", import.meta.url).pathname,
): Promise<ServerProcess> {
  const port = nextPort++;
  const kvPath = new URL(`engine-${port}.kv`, BENCH_DIR).pathname;
  // The permissions of `deno task start`: no --allow-run, no --allow-ffi.
  return spawn(Deno.execPath(), [
    "run",
    "--allow-net",
    "--allow-env",
    "--allow-read",
    `--allow-write=${root}/data,${BENCH_DIR.pathname}`,
    "main.ts",
  ], {
    cwd: root,
    port,
    path: "/healthz",
    env: {
      PORT: String(port),
      KV_PATH: kvPath,
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      ANON_UPLOADS_PER_HOUR: "1000000",
      ANON_UPLOADS_PER_DAY: "1000000",
      ...env,
    },
    cleanup: async () => {
      for (const s of ["", "-wal", "-shm"]) await Deno.remove(kvPath + s).catch(() => {});
    },
  });
}

/** A bare Deno.serve returning `file`'s bytes (or a healthz body). */
export function startBare(file?: string, type?: string): Promise<ServerProcess> {
  const port = nextPort++;
  const script = new URL("./bare_server.ts", import.meta.url).pathname;
  const args = ["run", "--allow-net", "--allow-read", script, String(port)];
  if (file) args.push(file, type ?? "application/octet-stream");
  return spawn(Deno.execPath(), args, { port, path: "/" });
}

const NODE_DIR = new URL("../data/bench-node/", import.meta.url);
const SHARP_VERSION = "0.35.5";

/** The Node + sharp reference server; installs sharp for Node once (npm, into data/bench-node). */
export async function startSharp(file: string): Promise<ServerProcess> {
  const marker = new URL(`node_modules/sharp/package.json`, NODE_DIR);
  const installed = await Deno.readTextFile(marker).then((t) => JSON.parse(t).version)
    .catch(() => null);
  if (installed !== SHARP_VERSION) {
    await Deno.mkdir(NODE_DIR, { recursive: true });
    const npm = await new Deno.Command("npm", {
      args: ["install", "--no-save", "--no-audit", "--no-fund", `sharp@${SHARP_VERSION}`],
      cwd: NODE_DIR.pathname,
      stdout: "null",
      stderr: "inherit",
    }).output();
    if (!npm.success) throw new Error("npm install sharp failed");
  }
  const port = nextPort++;
  const script = new URL("./sharp_server.mjs", import.meta.url).pathname;
  return spawn("node", [script, String(port), file], {
    port,
    path: "/t?size=m",
    env: { SHARP_FROM: new URL("package.json", NODE_DIR).pathname },
  });
}

async function spawn(
  cmd: string,
  args: string[],
  opts: {
    port: number;
    path: string;
    cwd?: string;
    env?: Record<string, string>;
    cleanup?: () => Promise<void>;
  },
): Promise<ServerProcess> {
  await Deno.mkdir(BENCH_DIR, { recursive: true });
  const started = performance.now();
  const child = new Deno.Command(cmd, {
    args,
    cwd: opts.cwd,
    env: opts.env,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const base = `http://127.0.0.1:${opts.port}`;
  let startMs = NaN;
  const stderr = new Response(child.stderr).text();
  for (let i = 0; i < 6000; i++) {
    try {
      const res = await fetch(base + opts.path);
      await res.body?.cancel();
      if (res.ok) {
        startMs = performance.now() - started;
        break;
      }
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 2));
  }
  if (!Number.isFinite(startMs)) {
    child.kill();
    throw new Error(`${cmd} ${args.join(" ")} did not start: ${await stderr}`);
  }
  return {
    base,
    pid: child.pid,
    startMs,
    async peakRss() {
      // Deno asks for --allow-all to read /proc directly; cat is an ordinary subprocess.
      const out = await new Deno.Command("cat", { args: [`/proc/${child.pid}/status`] }).output();
      const status = new TextDecoder().decode(out.stdout);
      return Number(status.match(/VmHWM:\s+(\d+) kB/)?.[1] ?? NaN) * 1024;
    },
    async stop() {
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
      await child.status;
      await stderr.catch(() => "");
      await opts.cleanup?.();
    },
  };
}
