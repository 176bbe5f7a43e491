import assert from "node:assert/strict";
import { AppError } from "../../domain/errors.ts";
import { Limiter } from "./limiter.ts";

Deno.test("the limiter runs a few, queues a few and refuses the rest with 503 overloaded", async () => {
  const limiter = new Limiter({ concurrency: 2, queue: 1, retryAfterSeconds: 3 });
  const gates: (() => void)[] = [];
  let peak = 0, active = 0;
  const task = () =>
    limiter.run(async () => {
      peak = Math.max(peak, ++active);
      await new Promise<void>((resolve) => gates.push(resolve));
      active--;
      return "done";
    });
  const accepted = [task(), task(), task()];
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual([limiter.running, limiter.waiting], [2, 1]);
  await assert.rejects(task(), (e) => {
    assert.ok(e instanceof AppError);
    assert.equal(e.code, "overloaded");
    assert.equal(e.details.retryAfter, 3);
    return true;
  });
  while (gates.length) {
    gates.shift()!();
    await new Promise((r) => setTimeout(r, 0));
  }
  assert.deepEqual(await Promise.all(accepted), ["done", "done", "done"]);
  assert.equal(peak, 2);
  assert.deepEqual([limiter.running, limiter.waiting], [0, 0]);
});
