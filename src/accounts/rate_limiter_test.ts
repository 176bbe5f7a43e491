import assert from "node:assert/strict";
import { RateLimiter } from "./rate_limiter.ts";

const HOUR = [{ seconds: 3600, limit: 3 }];

Deno.test("however many attempts arrive at once, at most the limit get through", async () => {
  using kv = await Deno.openKv(":memory:");
  const limiter = new RateLimiter(kv);
  const results = await Promise.all(
    Array.from({ length: 20 }, () => limiter.reserve("t", "ip", HOUR, 0)),
  );
  assert.equal(results.filter((r) => r.ok).length, 3);
  const refused = results.find((r) => !r.ok);
  assert.ok(refused && !refused.ok && refused.wait === 3600);
});

Deno.test("a refunded attempt frees its place, and a new window starts from zero", async () => {
  using kv = await Deno.openKv(":memory:");
  const limiter = new RateLimiter(kv);
  const granted = [];
  for (let i = 0; i < 3; i++) granted.push(await limiter.reserve("t", "ip", HOUR, 0));
  assert.equal((await limiter.reserve("t", "ip", HOUR, 0)).ok, false);
  const first = granted[0];
  assert.ok(first.ok);
  await first.refund();
  assert.equal((await limiter.reserve("t", "ip", HOUR, 1000)).ok, true);
  assert.equal((await limiter.reserve("t", "ip", HOUR, 3_600_000)).ok, true);
  assert.equal((await limiter.reserve("t", "other", HOUR, 0)).ok, true);
});
