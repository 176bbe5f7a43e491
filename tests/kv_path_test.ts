import assert from "node:assert/strict";
import { ConfigError } from "../src/config.ts";
import { openKv } from "../src/kv.ts";

const ROOT = new URL("../", import.meta.url);

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

async function waitForHealth(url: string, child: Deno.ChildProcess, ms: number) {
  const deadline = Date.now() + ms;
  let exited = false;
  child.status.then(() => exited = true);
  while (Date.now() < deadline && !exited) {
    try {
      const res = await fetch(url);
      const body = await res.json();
      if (res.ok) return body;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no answer from ${url} within ${ms} ms (exited: ${exited})`);
}

Deno.test("openKv refuses a KV_PATH this process may not write, in one line naming it", async () => {
  const path = "/imgpro-not-writable-here/kv.sqlite3";
  const err = await openKv(path).then(() => null, (e) => e);
  assert.ok(err instanceof ConfigError, String(err));
  assert.equal(err.message.split("\n").length, 1);
  assert.match(err.message, /^KV_PATH=\/imgpro-not-writable-here\/kv\.sqlite3 /);
  assert.match(err.message, /--allow-write=\/imgpro-not-writable-here\//);
});

Deno.test("deno task start serves with KV_PATH outside ./data", async () => {
  const dir = await Deno.makeTempDir({ prefix: "imgpro-kv-" });
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["task", "start"],
    cwd: ROOT,
    env: { KV_PATH: `${dir}/nested/kv.sqlite3`, PORT: String(port), NO_COLOR: "1" },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  try {
    const body = await waitForHealth(`http://127.0.0.1:${port}/healthz`, child, 60_000);
    assert.equal(body.ok, true);
    assert.ok((await Deno.stat(`${dir}/nested/kv.sqlite3`)).isFile);
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await child.stderr.cancel();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a server started without write access to KV_PATH stops with one line, no stack", async () => {
  const dir = await Deno.makeTempDir({ prefix: "imgpro-kv-" });
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-net",
        "--allow-env",
        "--allow-read",
        "--allow-write=./data",
        "main.ts",
      ],
      cwd: ROOT,
      env: { KV_PATH: `${dir}/kv.sqlite3`, PORT: String(freePort()), NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr).trim();
    assert.equal(out.code, 2);
    assert.equal(stderr.split("\n").length, 1, stderr);
    assert.match(stderr, new RegExp(`^KV_PATH=${dir}/kv\\.sqlite3 cannot be written`));
    assert.doesNotMatch(stderr, /\bat (file|ext):/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
