/**
 * Issue 13: bodies that trickle in must not starve uploads. A body slower than the minimum rate
 * is cut with 408 request_timeout (and counts against the anonymous limit); the ingest slots
 * go to decoding only, so a legitimate upload beside three trickling bodies is stored at once.
 * The exact time is in `deno task bench slow_bodies`.
 */
import assert from "node:assert/strict";
import { loadConfig } from "../src/config.ts";
import { postUpload, type TestApp, withApp } from "./support/http.ts";
import { fixture, uploadForm } from "./support/test_app.ts";
import { HEAD, trickle, TRICKLE_BOUNDARY as B } from "./support/trickle.ts";

const enc = new TextEncoder();

/** Serves the test app on a loopback port for the duration of `fn`. */
async function served(t: TestApp, fn: (port: number) => Promise<void>) {
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, t.app.fetch);
  try {
    await fn(server.addr.port);
  } finally {
    await server.shutdown();
  }
}

Deno.test("a legitimate upload beside three bodies trickling 1 byte/s is stored within 5 s; the trickling ones get 408", async () => {
  await withApp(async (t) => {
    await served(t, async (port) => {
      const base = `http://127.0.0.1:${port}`;
      const slow = [trickle(port), trickle(port), trickle(port)];
      await new Promise((r) => setTimeout(r, 300));
      const started = performance.now();
      const res = await fetch(`${base}/v1/upload`, {
        method: "POST",
        body: uploadForm(await fixture("rocket.jpg"), "rocket.jpg"),
      });
      const stored = await res.json();
      const ms = performance.now() - started;
      assert.equal(res.status, 201, JSON.stringify(stored));
      assert.ok(ms < 5_000, `the legitimate upload took ${Math.round(ms)} ms`);
      // /healthz answers while the three bodies are still trickling.
      const health = performance.now();
      const h = await fetch(`${base}/healthz`);
      await h.body?.cancel();
      assert.equal(h.status, 200);
      assert.ok(performance.now() - health < 2_000);
      for (const answer of await Promise.all(slow)) {
        assert.equal(answer.status, 408, JSON.stringify(answer.body));
        assert.equal(answer.body.error, "request_timeout");
        assert.equal(answer.body.action?.type, "retry");
        // Default window 5 s after a 1 s grace; generous for a loaded machine.
        assert.ok(answer.ms < 15_000, `cut after ${Math.round(answer.ms)} ms`);
      }
    });
  }, { INGEST_CONCURRENCY: "2" });
});

Deno.test("bodies held while read are bounded by INGEST_READ_BUFFER_MB, reserved by their declared length", async () => {
  await withApp(async (t) => {
    await served(t, async (port) => {
      const base = `http://127.0.0.1:${port}`;
      // Declares 900 kB of the 1 MB budget: an upload of more than the rest waits for it.
      const big = trickle(port, 100, 900_000);
      await new Promise((r) => setTimeout(r, 200));
      const started = performance.now();
      const res = await fetch(`${base}/v1/upload`, {
        method: "POST",
        body: uploadForm(await fixture("rocket.jpg"), "rocket.jpg"),
      });
      await res.body?.cancel();
      const waited = performance.now() - started;
      const cut = await big;
      assert.equal(cut.status, 408);
      assert.equal(res.status, 201);
      // It could only start once the trickle was cut (one 1 s grace + a 1 s window).
      assert.ok(
        waited > 1_000,
        `the upload did not wait for the budget (${Math.round(waited)} ms)`,
      );
      // A trickle that declares little holds little: the same upload passes beside it at once.
      const small = trickle(port, 100, 2_000);
      await new Promise((r) => setTimeout(r, 200));
      const again = performance.now();
      const next = await fetch(`${base}/v1/upload`, {
        method: "POST",
        body: uploadForm(await fixture("rocket.jpg"), "rocket.jpg"),
      });
      await next.body?.cancel();
      assert.equal(next.status, 201);
      assert.ok(performance.now() - again < 1_000);
      assert.equal((await small).status, 408);
    });
  }, {
    INGEST_READ_BUFFER_MB: "1",
    UPLOAD_RATE_WINDOW_MS: "1000",
    ANON_UPLOADS_PER_HOUR: "100",
  });
});

/** An in-process upload whose body sends its head and then `bytes` bytes every `everyMs`. */
function streamed(t: TestApp, bytes: number, everyMs: number, total: number) {
  let sent = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(enc.encode(HEAD));
      timer = setInterval(() => {
        if (sent >= total) {
          clearInterval(timer);
          c.enqueue(enc.encode(`\r\n--${B}--\r\n`));
          c.close();
          return;
        }
        c.enqueue(new Uint8Array(bytes));
        sent += bytes;
      }, everyMs);
    },
    cancel() {
      clearInterval(timer);
    },
  });
  return Promise.resolve(t.app.request("/v1/upload", {
    method: "POST",
    body,
    headers: { "content-type": `multipart/form-data; boundary=${B}` },
  })).finally(() => clearInterval(timer));
}

Deno.test("a body cut for being too slow counts against the anonymous limit; other refusals do not", async () => {
  await withApp(async (t) => {
    // A refused upload (not an image) is given back, as before.
    const refused = await postUpload(t, enc.encode("not an image at all"), "x.txt");
    assert.equal(refused.status, 415);
    await refused.body?.cancel();
    const cut = await streamed(t, 1, 100, 1_000_000);
    const envelope = await cut.json();
    assert.equal(cut.status, 408, JSON.stringify(envelope));
    assert.equal(envelope.error, "request_timeout");
    // The one anonymous upload of the hour was spent by the trickle.
    const next = await postUpload(t, await fixture("rocket.jpg"), "rocket.jpg");
    const body = await next.json();
    assert.equal(next.status, 429, JSON.stringify(body));
    assert.equal(body.error, "rate_limited");
  }, {
    ANON_UPLOADS_PER_HOUR: "1",
    UPLOAD_RATE_WINDOW_MS: "300",
    UPLOAD_MIN_BYTES_PER_SEC: "16384",
  });
});

Deno.test("a body that keeps above the minimum rate is not cut, however many windows it spans", async () => {
  await withApp(async (t) => {
    // 8 KiB every 100 ms is 80 KiB/s, over windows of 300 ms with a 16 KiB/s floor; about 1 s.
    const res = await streamed(t, 8192, 100, 80_000);
    const body = await res.json();
    // The body is a valid form but not a valid GIF: a 422 from the decoder, not a 408.
    assert.notEqual(res.status, 408, JSON.stringify(body));
    assert.equal(body.error, "invalid_image");
  }, { UPLOAD_RATE_WINDOW_MS: "300" });
});

Deno.test("UPLOAD_MIN_BYTES_PER_SEC and UPLOAD_RATE_WINDOW_MS default to 16 KiB/s over 5 s", () => {
  const config = loadConfig({ KV_PATH: ":memory:" });
  assert.equal(config.ingest.minBytesPerSecond, 16_384);
  assert.equal(config.ingest.rateWindowMs, 5_000);
  assert.equal(config.ingest.readConcurrency, 16);
  assert.equal(config.ingest.readBufferBytes, 64_000_000);
  // Never fewer bodies read than slots decode them.
  assert.equal(
    loadConfig({ KV_PATH: ":memory:", INGEST_CONCURRENCY: "3", INGEST_READ_CONCURRENCY: "2" })
      .ingest.readConcurrency,
    3,
  );
  assert.equal(
    loadConfig({ KV_PATH: ":memory:", UPLOAD_MIN_BYTES_PER_SEC: "0" }).ingest.minBytesPerSecond,
    0,
  );
});
