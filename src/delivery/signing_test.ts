import assert from "node:assert/strict";
import { parseTransformQuery } from "./query_schema.ts";
import { checkSignature, sign, signedQuery } from "./signing.ts";

const SECRET = "a-test-secret-that-is-long-enough!!";
const params = (s: string) => {
  const out: Record<string, string[]> = {};
  for (const [k, v] of new URLSearchParams(s)) (out[k] ??= []).push(v);
  return parseTransformQuery(out).params;
};

Deno.test("a signature verifies for the same image and resize, in any parameter order", async () => {
  const sig = await sign(SECRET, "abcdefghij", params("w=300&h=200&fit=cover"));
  assert.match(sig, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(
    await checkSignature(SECRET, "abcdefghij", params("fit=cover&h=200&w=300"), sig),
    "ok",
  );
  // Free parameters may be added to a signed link.
  assert.equal(
    await checkSignature(SECRET, "abcdefghij", params("h=200&w=300&fit=cover&format=webp"), sig),
    "ok",
  );
});

Deno.test("a signature fails for another image, another size or another secret", async () => {
  const sig = await sign(SECRET, "abcdefghij", params("w=300"));
  assert.equal(await checkSignature(SECRET, "abcdefghiJ", params("w=300"), sig), "invalid");
  assert.equal(await checkSignature(SECRET, "abcdefghij", params("w=301"), sig), "invalid");
  assert.equal(await checkSignature(SECRET, "abcdefghij", params("w=300&dpr=2"), sig), "invalid");
  assert.equal(await checkSignature(SECRET + "x", "abcdefghij", params("w=300"), sig), "invalid");
  assert.equal(await checkSignature(SECRET, "abcdefghij", params("w=300"), sig + "A"), "invalid");
});

Deno.test("resize parameters need a signature; the others do not", async () => {
  for (const p of ["w=1", "h=1", "fit=cover", "gravity=top", "dpr=2"]) {
    assert.equal(await checkSignature(SECRET, "abcdefghij", params(p), null), "missing", p);
  }
  assert.equal(await checkSignature(SECRET, "abcdefghij", params("blur=3&size=m"), null), "ok");
  assert.equal(await checkSignature(SECRET, "abcdefghij", params(""), "junk"), "invalid");
});

Deno.test("signedQuery is the canonical query plus sig", async () => {
  const q = await signedQuery(SECRET, "abcdefghij", params("w=300&blur=2"));
  assert.match(q, /^blur=2&w=300&sig=[A-Za-z0-9_-]{43}$/);
  assert.equal(await signedQuery(SECRET, "abcdefghij", params("blur=2")), "blur=2");
});
