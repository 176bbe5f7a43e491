import assert from "node:assert/strict";
import { encodeBase64Url } from "../encoding.ts";
import { hashPassword, PBKDF2_ITERATIONS, verifyPassword } from "./passwords.ts";

const composed = "caf\u00e9 au lait 42"; // "é" as one code point
const decomposed = "cafe\u0301 au lait 42"; // "e" and a combining acute accent

Deno.test("a password typed composed or decomposed, or with full-width digits, is the same password", async () => {
  const stored = await hashPassword(composed);
  assert.equal(await verifyPassword(decomposed, stored), true);
  assert.equal(await verifyPassword(composed, stored), true);
  const wide = await hashPassword("my secret \uff14\uff12"); // full-width "42"
  assert.equal(await verifyPassword("my secret 42", wide), true);
  assert.equal(await verifyPassword("my secret 43", wide), false);
});

Deno.test("a hash made of the password exactly as typed, before normalisation, still verifies", async () => {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(decomposed),
    "PBKDF2",
    false,
    ["deriveBits"],
  );
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations: PBKDF2_ITERATIONS },
    key,
    256,
  );
  const legacy = `pbkdf2-sha256$${PBKDF2_ITERATIONS}$${encodeBase64Url(salt)}$${
    encodeBase64Url(new Uint8Array(bits))
  }`;
  assert.equal(await verifyPassword(decomposed, legacy), true);
  assert.equal(await verifyPassword("cafe au lait 42", legacy), false);
});
