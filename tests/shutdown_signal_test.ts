import assert from "node:assert/strict";
import { fixture } from "./support/test_app.ts";

// Spawns the real server, so it needs --allow-run, which the README's `deno task test` does not
// grant; .ci/run runs this file in its focused engine suite with it.
const canRun = (await Deno.permissions.query({ name: "run" })).state === "granted";
const ROOT = new URL("..", import.meta.url).pathname;

async function startServer(port: number, kvPath: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net",
      "--allow-env",
      "--allow-read",
      `--allow-write=${ROOT}data`,
      "main.ts",
    ],
    cwd: ROOT,
    env: {
      PORT: String(port),
      KV_PATH: kvPath,
      IMAGE_WORKERS: "2",
      PUBLIC_URL: `http://127.0.0.1:${port}`,
    },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  for (let i = 0; i < 500; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      await res.body?.cancel();
      if (res.ok) return { child, stderr };
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill();
  throw new Error(`server did not start: ${await stderr}`);
}

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  Deno.test({
    name: `${signal} with a transform running: the server answers it and exits within 5 s`,
    ignore: !canRun,
    async fn() {
      await Deno.mkdir(`${ROOT}data`, { recursive: true });
      const kvPath = `${ROOT}data/shutdown-${signal}-${Date.now()}.kv`;
      const port = 19_000 + Math.floor(Math.random() * 1000);
      const { child, stderr } = await startServer(port, kvPath);
      try {
        const form = new FormData();
        form.append("file", new Blob([await fixture("large.jpg")]), "large.jpg");
        const up = await fetch(`http://127.0.0.1:${port}/v1/upload`, {
          method: "POST",
          body: form,
        });
        const { id } = await up.json();
        assert.equal(up.status, 201);
        // A slow transform in flight when the signal arrives.
        const inFlight = fetch(`http://127.0.0.1:${port}/${id}?blur=250`)
          .then(async (r) => ({ status: r.status, body: await r.text() }))
          .catch(() => ({ status: 0, body: "" }));
        await new Promise((r) => setTimeout(r, 300));
        const started = Date.now();
        child.kill(signal);
        const status = await child.status;
        const took = Date.now() - started;
        assert.ok(took < 5000, `exited after ${took} ms`);
        assert.equal(status.code, 0, await stderr);
        // It got an answer, finished or a 503 with an action; never a hang.
        const answer = await inFlight;
        if (answer.status !== 200 && answer.status !== 0) {
          assert.equal(answer.status, 503, answer.body);
          assert.equal(JSON.parse(answer.body).action.type, "retry");
        }
        // And it stopped taking connections.
        await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`));
      } finally {
        try {
          child.kill();
        } catch { /* gone */ }
        await child.status;
        await stderr.catch(() => "");
        for (const s of ["", "-wal", "-shm"]) await Deno.remove(kvPath + s).catch(() => {});
      }
    },
  });
}
