import assert from "node:assert/strict";
import { importsOf, violation } from "./boundaries.ts";

Deno.test("a folder's internals are refused to other folders; its mod.ts and its own files are not", () => {
  assert.match(violation("src/images/upload_image.ts", "src/engine/jobs.ts") ?? "", /mod\.ts/);
  assert.equal(violation("src/images/upload_image.ts", "src/engine/mod.ts"), null);
  assert.equal(violation("src/engine/engine.ts", "src/engine/jobs.ts"), null);
  assert.equal(violation("src/images/upload_image.ts", "src/config.ts"), null);
  assert.match(violation("routes/upload.ts", "src/images/upload_image.ts") ?? "", /mod\.ts/);
  assert.equal(violation("tests/upload_http_test.ts", "src/images/upload_image.ts"), null);
});

Deno.test("src/http is for the HTTP side and the composition root only", () => {
  assert.match(violation("src/imaging/errors.ts", "src/http/mod.ts") ?? "", /only src\/http/);
  assert.equal(violation("routes/upload.ts", "src/http/mod.ts"), null);
  assert.equal(violation("src/app.ts", "src/http/error_handler.ts"), null);
  assert.match(
    violation("src/http/error_handler.ts", "routes/pages/error_page.tsx") ?? "",
    /never/,
  );
});

Deno.test("domain and projections stay pure, and route modules do not import each other", () => {
  assert.ok(violation("domain/image/decider.ts", "src/clock.ts"));
  assert.equal(violation("projections/mod.ts", "domain/image/evolve.ts"), null);
  assert.ok(violation("routes/import.ts", "routes/upload.ts"));
  assert.equal(violation("routes/import.ts", "routes/schemas.ts"), null);
  assert.equal(violation("routes/delivery.ts", "routes/pages/layout.tsx"), null);
});

Deno.test("static, type-only, re-exported and dynamic imports are all seen", () => {
  const source = [
    `import { a } from "./a.ts";`,
    `import type { B } from "../b.ts";`,
    `export { c } from "./c.ts";`,
    `const d = await import("./d.ts");`,
    `import "./e.ts";`,
    `import { z } from "zod";`,
  ].join("\n");
  assert.deepEqual(importsOf(source), ["./a.ts", "../b.ts", "./c.ts", "./d.ts", "./e.ts"]);
});
