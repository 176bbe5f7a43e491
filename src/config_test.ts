import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "./config.ts";

Deno.test("defaults follow the SPEC", () => {
  const c = loadConfig({});
  assert.equal(c.port, 8000);
  assert.equal(c.publicUrl, "http://localhost:8000");
  assert.equal(c.kvPath, "./data/imgpro.kv");
  assert.equal(c.limits.anonMaxBytes, 20 * 1024 * 1024);
  assert.equal(c.limits.accountMaxBytes, 70 * 1024 * 1024);
  assert.equal(c.limits.anonRetentionSeconds, 30 * 86_400);
  assert.equal(c.limits.maxPixels, 50_000_000);
  assert.equal(c.secret, undefined);
});

Deno.test("PUBLIC_URL follows PORT and loses a trailing slash", () => {
  assert.equal(loadConfig({ PORT: "9000" }).publicUrl, "http://localhost:9000");
  assert.equal(loadConfig({ PUBLIC_URL: "https://img.example/" }).publicUrl, "https://img.example");
});

Deno.test("bad values fail at start naming the variable", () => {
  for (
    const [env, name] of [
      [{ PORT: "http" }, "PORT"],
      [{ PORT: "70000" }, "PORT"],
      [{ PUBLIC_URL: "ftp://x" }, "PUBLIC_URL"],
      [{ ANON_MAX_BYTES: "-1" }, "ANON_MAX_BYTES"],
      [{ SECRET: "short" }, "SECRET"],
    ] as const
  ) {
    assert.throws(
      () => loadConfig(env),
      (e) => e instanceof ConfigError && e.message.includes(name),
      name,
    );
  }
});

Deno.test("on Deno Deploy SECRET is required and the managed KV is used", () => {
  assert.throws(() => loadConfig({ DENO_DEPLOYMENT_ID: "x" }), /SECRET: required/);
  const c = loadConfig({ DENO_DEPLOYMENT_ID: "x", SECRET: "s".repeat(32) });
  assert.equal(c.kvPath, undefined);
  assert.equal(c.onDeploy, true);
});
