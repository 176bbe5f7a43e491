import assert from "node:assert/strict";
import { S3BlobBytes } from "./s3_bytes.ts";

Deno.test("S3 bytes: a store that stalls mid-body errors the stream after the timeout instead of hanging", async () => {
  // A store that answers the ranged GET, sends part of the body and then goes silent.
  const stalls: ReadableStreamDefaultController<Uint8Array>[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, () => {
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new Uint8Array(1000));
        stalls.push(c);
      },
    });
    return new Response(body, { status: 206, headers: { "content-length": "4000" } });
  });
  try {
    const bytes = new S3BlobBytes({
      endpoint: `http://127.0.0.1:${server.addr.port}`,
      region: "us-east-1",
      bucket: "imgpro-test",
      accessKeyId: "id",
      secretAccessKey: "secret",
      prefix: "",
      forcePathStyle: true,
      timeoutMs: 300,
      attempts: 1,
    });
    const stream = await bytes.get({ hash: "a".repeat(64), gen: "g", size: 4000 });
    const started = Date.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const hung = new Promise((resolve) => timer = setTimeout(() => resolve("hung"), 5000));
    const read = new Response(stream).arrayBuffer().then(() => "complete", (e: Error) => e.message);
    const outcome = await Promise.race([read, hung]).finally(() => clearTimeout(timer));
    assert.match(String(outcome), /no bytes for 300 ms/);
    assert.ok(Date.now() - started < 5000, "the stall ended the read within a bounded time");
  } finally {
    for (const c of stalls) c.close();
    await server.shutdown();
  }
});
