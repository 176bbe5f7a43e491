import assert from "node:assert/strict";
import { AppError } from "../../domain/errors.ts";
import { VisionClient } from "./vision_client.ts";

const portrait = () => Deno.readFile(new URL("../../tests/fixtures/portrait.png", import.meta.url));

Deno.test("a Worker that stops answering is replaced: its jobs get 503 overloaded and the next job works", async () => {
  // A 1 ms stall bound takes the first Worker (still loading its models) for wedged.
  const opts = { queue: 4, worker: true, retryAfterSeconds: 3, stallMs: 1 };
  const client = new VisionClient(opts);
  try {
    const job = {
      op: "faces" as const,
      bytes: await portrait(),
      format: "png" as const,
      width: 512,
      height: 512,
    };
    await assert.rejects(client.run(job), (e: unknown) => {
      assert.ok(e instanceof AppError, String(e));
      assert.equal(e.code, "overloaded");
      return true;
    });
    assert.equal(client.pending, 0);
    opts.stallMs = 60_000;
    const r = await client.run(job);
    assert.equal(r.op, "faces");
    assert.ok(r.op === "faces" && r.boxes.length >= 1, "the new Worker finds the face");
  } finally {
    client.close();
  }
});
