import assert from "node:assert/strict";
import { passwordProblem } from "./password_policy.ts";

Deno.test("common and short passwords are refused, whatever their case", () => {
  for (
    const pw of ["password", "Password", "1234567890", "qwertyuiop", "PASSWORD1234", "iloveyou12"]
  ) {
    assert.ok(passwordProblem(pw, "a@b.test"), `${pw} accepted`);
  }
  assert.match(passwordProblem("short", "")!.message, /5 characters long; it needs at least 10/);
  assert.match(passwordProblem("qwertyuiop", "")!.message, /most common passwords/);
});

Deno.test("a long unusual password is accepted; the e-mail address itself is not", () => {
  assert.equal(passwordProblem("correct horse battery", "ada@x.test"), null);
  assert.equal(passwordProblem("the right password", "ada@x.test"), null);
  assert.match(passwordProblem("longname@x.test", "longname@x.test")!.message, /e-mail address/);
  assert.match(passwordProblem("Adalovelace", "adalovelace@x.test")!.message, /e-mail address/);
  // Length counts characters, not UTF-16 units or bytes.
  assert.match(passwordProblem("🙂".repeat(9), "")!.message, /9 characters long/);
  assert.equal(passwordProblem("🙂🙃😀😁😂🤣😃😄😅😆", ""), null);
});

Deno.test("a long pattern is refused: one character, a short part repeated, a run or a keyboard row", () => {
  for (
    const pw of [
      " ".repeat(10),
      "aaaaaaaaaa",
      "1111111111",
      "aaaaaaaaab",
      "🙂".repeat(10),
      "abababababab",
      "qwertyqwerty",
      "imgproimgpro",
      "0987654321",
      "abcdefghijkl",
      "asdfghjkl;",
      ";lkjhgfdsa",
    ]
  ) {
    assert.match(passwordProblem(pw, "ada@x.test")?.message ?? "accepted", /pattern/, pw);
  }
  // Passwords that merely contain a pattern, or repeat a part long enough on its own, pass.
  for (
    const pw of [
      "abcd efgh ijkl mnop",
      "correct horsecorrect horse",
      "1234 my own horse",
      "ababab cdcdcd",
    ]
  ) {
    assert.equal(passwordProblem(pw, "ada@x.test"), null, pw);
  }
});
