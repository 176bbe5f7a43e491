import assert from "node:assert/strict";
import { AppError } from "../errors.ts";
import { parseTtl } from "./retention.ts";

Deno.test("ttl accepts seconds and m/h/d durations", () => {
  assert.equal(parseTtl("300"), 300);
  assert.equal(parseTtl("5m"), 300);
  assert.equal(parseTtl("2h"), 7200);
  assert.equal(parseTtl("7d"), 7 * 86_400);
  assert.equal(parseTtl(" 90d "), 90 * 86_400);
});

Deno.test("ttl refuses what is not a duration or out of range, naming the field", () => {
  for (const bad of ["", "abc", "-5", "1.5h", "5s", "299", "4m", "91d", "7776001", "1e9"]) {
    assert.throws(
      () => parseTtl(bad),
      (e) => e instanceof AppError && e.details.field === "ttl",
      bad,
    );
  }
});
