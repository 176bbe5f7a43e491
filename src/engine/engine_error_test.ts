import assert from "node:assert/strict";
import { AppError } from "../http/app_error.ts";
import { fromEngineError } from "../http/engine_errors.ts";
import { EngineError, errorData } from "./engine_error.ts";

Deno.test("a job's refusal crosses a Worker boundary as plain data and renders as the same error", () => {
  const thrown = new AppError("image_too_large", "The image is 60000x60000 pixels.", {
    type: "fix",
    field: "file",
    hint: "Upload a smaller image.",
  }, { limit: 50_000_000 });
  const data = structuredClone(errorData(thrown));
  const back = fromEngineError(new EngineError(data));
  assert.ok(back instanceof AppError);
  assert.equal(back.status, 422);
  assert.equal(back.code, "image_too_large");
  assert.equal(back.message, thrown.message);
  assert.deepEqual(back.action, thrown.action);
  assert.deepEqual(back.extra, { limit: 50_000_000 });
});

Deno.test("anything else a job throws is an internal_error with a retry, without its details", () => {
  const original = console.error;
  console.error = () => {};
  try {
    const data = structuredClone(errorData(new TypeError("wasm trap at 0x1234")));
    assert.equal(data.code, "internal_error");
    assert.equal(data.details.action.type, "retry");
    assert.doesNotMatch(data.message, /0x1234/);
    assert.equal(fromEngineError(new EngineError(data)).status, 500);
  } finally {
    console.error = original;
  }
});
