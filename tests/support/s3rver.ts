import { S3BlobBytes } from "../../src/blob_store/mod.ts";

/** The pinned fake S3 server the tests start on loopback (installed by `.ci/run` or on demand). */
export const S3RVER_VERSION = "3.7.1";
const PREFIX_DIR = "./data/s3rver";
const BIN = `${PREFIX_DIR}/node_modules/s3rver/bin/s3rver.js`;
export const S3_BUCKET = "imgpro-test";
// s3rver's built-in account.
export const S3_KEY = "S3RVER";

async function exists(path: string) {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

let installing: Promise<void> | undefined;

/** Installs s3rver into ./data/s3rver once; fast when it is already there. */
export function ensureS3rver(): Promise<void> {
  installing ??= (async () => {
    if (await exists(BIN)) return;
    const out = await new Deno.Command("npm", {
      args: [
        "install",
        "--prefix",
        PREFIX_DIR,
        "--no-audit",
        "--no-fund",
        `s3rver@${S3RVER_VERSION}`,
      ],
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!out.success) {
      throw new Error(`npm install s3rver failed: ${new TextDecoder().decode(out.stderr)}`);
    }
  })();
  return installing;
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

export type S3Server = {
  endpoint: string;
  port: number;
  dir: string;
  /** The environment that points the service at this server, under its own key prefix. */
  env(prefix?: string): Record<string, string>;
  bytes(prefix?: string): S3BlobBytes;
  stop(): Promise<void>;
  /** Starts it again on the same port and folder (after `stop`): the objects are still there. */
  restart(): Promise<void>;
  /** Stops it and removes its folder. */
  close(): Promise<void>;
};

/** Starts a real s3rver on a free loopback port with a fresh folder and the test bucket. */
export async function startS3rver(): Promise<S3Server> {
  await ensureS3rver();
  const port = freePort();
  const dir = `./data/s3rver-run/${crypto.randomUUID()}`;
  await Deno.mkdir(dir, { recursive: true });
  const endpoint = `http://127.0.0.1:${port}`;
  let child: Deno.ChildProcess | undefined;
  let watching: Promise<void> = Promise.resolve();
  let stopping = false;
  const start = async () => {
    stopping = false;
    const spawned = child = new Deno.Command("node", {
      args: [
        BIN,
        "-d",
        dir,
        "-a",
        "127.0.0.1",
        "-p",
        String(port),
        "--silent",
        "--configure-bucket",
        S3_BUCKET,
      ],
      stdout: "null",
      // S3RVER_LOG=1 shows the server's own errors (it logs nothing else with --silent).
      stderr: Deno.env.get("S3RVER_LOG") ? "inherit" : "null",
      stdin: "null",
    }).spawn();
    // s3rver's file store can crash on a write racing its own pruning of an empty folder (a
    // fake-server bug; real stores have no folders). Started again at once on the same port and
    // folder, it looks to the service like a store that dropped a connection, which it retries.
    watching = spawned.status.then(async () => {
      if (stopping || child !== spawned) return;
      console.error("s3rver exited unexpectedly; starting it again");
      await start();
    });
    for (let i = 0; i < 200; i++) {
      try {
        const res = await fetch(`${endpoint}/`);
        await res.body?.cancel();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    throw new Error("s3rver did not start");
  };
  const stop = async () => {
    stopping = true;
    if (!child) return;
    child.kill("SIGKILL");
    await child.status;
    await watching;
    child = undefined;
  };
  await start();
  const s3 = (prefix = "") => ({
    endpoint,
    region: "us-east-1",
    bucket: S3_BUCKET,
    accessKeyId: S3_KEY,
    secretAccessKey: S3_KEY,
    prefix,
    forcePathStyle: true,
  });
  return {
    endpoint,
    port,
    dir,
    env: (prefix = "") => ({
      BLOB_BACKEND: "s3",
      S3_ENDPOINT: endpoint,
      S3_BUCKET,
      S3_ACCESS_KEY_ID: S3_KEY,
      S3_SECRET_ACCESS_KEY: S3_KEY,
      S3_PREFIX: prefix,
      S3_FORCE_PATH_STYLE: "1",
    }),
    bytes: (prefix = "") => new S3BlobBytes({ ...s3(prefix), timeoutMs: 5_000 }),
    stop,
    restart: start,
    close: async () => {
      await stop();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}
