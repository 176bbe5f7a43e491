import assert from "node:assert/strict";
import { AppError } from "../../domain/errors.ts";
import { errorData } from "./engine_error.ts";

Deno.test("a job's refusal crosses a Worker boundary as plain data and comes back as the same error", () => {
  const thrown = new AppError("image_too_large", "The image is 60000x60000 pixels.", {
    field: "file",
    hint: "Upload a smaller image.",
    extra: { limit: 50_000_000 },
  });
  const back = AppError.fromData(structuredClone(errorData(thrown)));
  assert.ok(back instanceof AppError);
  assert.equal(back.code, "image_too_large");
  assert.equal(back.message, thrown.message);
  assert.deepEqual(back.details, thrown.details);
  assert.deepEqual(back.details.extra, { limit: 50_000_000 });
});

Deno.test("anything else a job throws is an internal_error with a retry, without its details", () => {
  const original = console.error;
  console.error = () => {};
  try {
    const data = structuredClone(errorData(new TypeError("wasm trap at 0x1234")));
    assert.equal(data.code, "internal_error");
    assert.equal(data.details.retryAfter, 1);
    assert.doesNotMatch(data.message, /0x1234/);
  } finally {
    console.error = original;
  }
});
