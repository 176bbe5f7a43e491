import assert from "node:assert/strict";
import { AppError } from "../../domain/errors.ts";
import { CodecInstance, compileWasm } from "./wasm_module.ts";

const SPEC = "@jsquash/webp/codec/dec/webp_dec.wasm";

Deno.test("wasm: a package's module is compiled once and shared", async () => {
  const [a, b] = await Promise.all([compileWasm(SPEC), compileWasm(SPEC)]);
  assert.ok(a instanceof WebAssembly.Module);
  assert.equal(a, b);
});

Deno.test("wasm: an instance that threw is dropped; the next use gets a fresh one", async () => {
  let made = 0;
  const codec = new CodecInstance(SPEC, () => ({ serial: ++made }));
  assert.equal(await codec.run((i) => i.serial), 1);
  assert.equal(await codec.run((i) => i.serial), 1, "reused while healthy");
  await assert.rejects(
    codec.run(() => {
      throw new WebAssembly.RuntimeError("unreachable");
    }),
    WebAssembly.RuntimeError,
  );
  assert.equal(await codec.run((i) => i.serial), 2);
});

Deno.test("wasm: a module that cannot be loaded is internal_error, and is retried", async () => {
  const codec = new CodecInstance("@jsquash/webp/no_such_file.wasm", () => 1);
  for (let i = 0; i < 2; i++) {
    await assert.rejects(
      codec.get(),
      (e) =>
        e instanceof AppError && e.code === "internal_error" && e.details.retryAfter !== undefined,
    );
  }
});
