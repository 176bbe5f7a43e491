import assert from "node:assert/strict";
import { hmacHex, openText, randomBase62, sealText, sha256Hex, timingSafeEqual } from "./crypto.ts";

Deno.test("sha256 and hmac match known vectors", async () => {
  assert.equal(
    await sha256Hex("abc"),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
  assert.equal(
    await hmacHex("key", "The quick brown fox jumps over the lazy dog"),
    "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8",
  );
});

Deno.test("random base62 strings have a fixed length and only base62 characters", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 50; i++) {
    const s = randomBase62(32);
    assert.match(s, /^[0-9A-Za-z]{43}$/);
    seen.add(s);
  }
  assert.equal(seen.size, 50);
});

Deno.test("timing-safe comparison tells equal from different strings", () => {
  assert.ok(timingSafeEqual("abc", "abc"));
  assert.ok(!timingSafeEqual("abc", "abd"));
  assert.ok(!timingSafeEqual("abc", "abcd"));
});

Deno.test("sealed text opens only with the same secret and purpose", async () => {
  const sealed = await sealText("s1".repeat(16), "p", "delete-token-123");
  assert.ok(!sealed.includes("delete-token-123"));
  assert.equal(await openText("s1".repeat(16), "p", sealed), "delete-token-123");
  await assert.rejects(openText("s2".repeat(16), "p", sealed));
  await assert.rejects(openText("s1".repeat(16), "q", sealed));
});
