/**
 * One caller's trickling bodies cannot take every reading place of the body gate: each caller
 * (an account, or an anonymous client) reads a quarter of them at most, so another person's
 * upload is read and stored at once.
 */
import assert from "node:assert/strict";
import { type TestApp, withApp } from "./support/http.ts";
import { fixture, uploadForm } from "./support/test_app.ts";
import { HEAD, TRICKLE_BOUNDARY as B } from "./support/trickle.ts";

const enc = new TextEncoder();

/** An anonymous upload from `ip` whose body sends its head, then a byte every 100 ms. */
function trickleFrom(t: TestApp, ip: string) {
  let timer: ReturnType<typeof setInterval> | undefined;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(enc.encode(HEAD));
      timer = setInterval(() => c.enqueue(new Uint8Array(1)), 100);
    },
    cancel() {
      clearInterval(timer);
    },
  });
  return Promise.resolve(t.app.request("/v1/upload", {
    method: "POST",
    body,
    headers: { "content-type": `multipart/form-data; boundary=${B}`, "x-forwarded-for": ip },
  })).finally(() => clearInterval(timer));
}

Deno.test("one client's trickling bodies take at most its share of the reading places; another client's upload is stored first", async () => {
  await withApp(async (t) => {
    const order: string[] = [];
    const slow = Array.from({ length: 8 }, () =>
      trickleFrom(t, "203.0.113.7").then(async (res) => {
        order.push(`slow ${res.status}`);
        return { status: res.status, body: await res.json() };
      }));
    await new Promise((r) => setTimeout(r, 200));
    const form = uploadForm(await fixture("rocket.jpg"), "rocket.jpg");
    const res = await t.app.request("/v1/upload", {
      method: "POST",
      body: form,
      headers: { "x-forwarded-for": "198.51.100.9" },
    });
    order.push(`legit ${res.status}`);
    const stored = await res.json();
    assert.equal(res.status, 201, JSON.stringify(stored));
    const answers = await Promise.all(slow);
    // Share = 8 reading places / 4 = 2 read, 2 more wait; the other 4 are refused at once.
    const refused = answers.filter((a) => a.status === 503);
    assert.equal(refused.length, 4, JSON.stringify(answers.map((a) => a.status)));
    for (const a of refused) assert.equal(a.body.error, "overloaded");
    assert.equal(answers.filter((a) => a.status === 408).length, 4);
    // The legitimate upload did not wait for the trickling bodies to be cut.
    assert.ok(
      order.indexOf("legit 201") < order.indexOf("slow 408"),
      `answers in order: ${order.join(", ")}`,
    );
  }, {
    TRUST_PROXY: "1",
    INGEST_READ_CONCURRENCY: "8",
    UPLOAD_RATE_WINDOW_MS: "3000",
    ANON_UPLOADS_PER_HOUR: "100",
  });
});

Deno.test("an account's uploads draw on one share whichever key or session sends them", async () => {
  const { callerKey } = await import("../src/http/caller.ts");
  const a = callerKey({ kind: "account", accountId: "acc1", client: "x", via: "key" });
  const b = callerKey({ kind: "account", accountId: "acc1", client: "y", via: "session" });
  assert.equal(a, b);
  assert.notEqual(a, callerKey({ kind: "anonymous", client: "acc1" }));
});

/** The encoded bytes of a form, sent as a stream without a Content-Length (chunked). */
async function chunked(form: FormData) {
  const req = new Request("http://x/", { method: "POST", body: form });
  const bytes = new Uint8Array(await req.arrayBuffer());
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      for (let o = 0; o < bytes.length; o += 64 * 1024) c.enqueue(bytes.slice(o, o + 64 * 1024));
      c.close();
    },
  });
  return { body, type: req.headers.get("content-type")! };
}

Deno.test("a trickling body without Content-Length reserves a fair share of the read buffer, not all of it", async () => {
  await withApp(async (t) => {
    const order: string[] = [];
    // Chunked, so its size is unknown: before, it reserved its caller's whole limit (here the
    // whole 8 MB buffer) and every declared upload waited until it was cut.
    const slow = trickleFrom(t, "203.0.113.7").then(async (res) => {
      order.push(`slow ${res.status}`);
      await res.body?.cancel();
    });
    await new Promise((r) => setTimeout(r, 200));
    const res = await t.app.request("/v1/upload", {
      method: "POST",
      body: uploadForm(await fixture("rocket.jpg"), "rocket.jpg"),
      headers: { "x-forwarded-for": "198.51.100.9" },
    });
    order.push(`legit ${res.status}`);
    assert.equal(res.status, 201, await res.text());
    await slow;
    assert.deepEqual(order, ["legit 201", "slow 408"]);
    // A chunked upload larger than its share still grows into the free buffer and is stored.
    const { body, type } = await chunked(uploadForm(await fixture("large.jpg"), "large.jpg"));
    const big = await t.app.request("/v1/upload", {
      method: "POST",
      body,
      duplex: "half",
      headers: { "content-type": type, "x-forwarded-for": "198.51.100.10" },
    } as RequestInit);
    assert.equal(big.status, 201, await big.text());
  }, {
    TRUST_PROXY: "1",
    INGEST_READ_CONCURRENCY: "4",
    INGEST_READ_BUFFER_MB: "8",
    UPLOAD_RATE_WINDOW_MS: "3000",
  });
});
