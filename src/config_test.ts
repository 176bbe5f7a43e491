import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "./config.ts";

Deno.test("defaults follow the SPEC", () => {
  const c = loadConfig({});
  assert.equal(c.port, 8000);
  assert.equal(c.publicUrl, "http://localhost:8000");
  assert.equal(c.kvPath, "./data/imgpro.kv");
  assert.equal(c.limits.anonMaxBytes, 20_000_000);
  assert.equal(c.limits.accountMaxBytes, 70_000_000);
  assert.equal(c.limits.anonRetentionSeconds, 30 * 86_400);
  assert.equal(c.limits.maxPixels, 50_000_000);
  assert.equal(c.limits.svgMaxBytes, 10_000_000);
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

Deno.test("plan quotas and anonymous rate limits follow the SPEC and can be overridden", () => {
  const c = loadConfig({
    PLAN_FREE_UPLOADS: "3",
    PLAN_PRO_STORAGE: "1000",
    ANON_UPLOADS_PER_HOUR: "2",
  });
  assert.equal(c.plans.free.uploads, 3);
  assert.equal(c.plans.free.storage, 5_000_000_000);
  assert.equal(c.plans.pro.uploads, 1000);
  assert.equal(c.plans.pro.storage, 1000);
  assert.equal(c.plans.max.uploads, 100_000);
  assert.equal(c.rateLimits.anonPerHour, 2);
  assert.equal(c.rateLimits.anonPerDay, 100);
  assert.equal(c.trustProxy, false);
  assert.throws(() => loadConfig({ PLAN_SCALE_UPLOADS: "lots" }), /PLAN_SCALE_UPLOADS/);
});

Deno.test("imports: no allowed hosts and a 10 s deadline by default; the list is normalised", () => {
  assert.deepEqual(loadConfig({}).import, { allowHosts: [], timeoutMs: 10_000 });
  const c = loadConfig({
    IMPORT_ALLOW_HOSTS: " 127.1:8080, Images.Internal:443 ,[0::1]:9000,",
    IMPORT_TIMEOUT_MS: "1500",
  });
  assert.deepEqual(c.import.allowHosts, ["127.0.0.1:8080", "images.internal:443", "[::1]:9000"]);
  assert.equal(c.import.timeoutMs, 1500);
  for (const bad of ["127.0.0.1", "localhost:http", "host:70000", "user@host:80"]) {
    assert.throws(
      () => loadConfig({ IMPORT_ALLOW_HOSTS: bad }),
      (e) => e instanceof ConfigError && e.message.includes("IMPORT_ALLOW_HOSTS"),
      bad,
    );
  }
  for (const bad of ["0", "50", "soon", "600000"]) {
    assert.throws(() => loadConfig({ IMPORT_TIMEOUT_MS: bad }), /IMPORT_TIMEOUT_MS/, bad);
  }
});

Deno.test("BLOB_BACKEND defaults to kv; s3 needs its endpoint, bucket and keys, each named", () => {
  assert.deepEqual(loadConfig({}).blobs, { backend: "kv" });
  const s3 = {
    BLOB_BACKEND: "s3",
    S3_ENDPOINT: "http://127.0.0.1:9000",
    S3_BUCKET: "images",
    S3_ACCESS_KEY_ID: "id",
    S3_SECRET_ACCESS_KEY: "secret",
  };
  const c = loadConfig({ ...s3, S3_FORCE_PATH_STYLE: "true", S3_PREFIX: "imgpro/" });
  assert.deepEqual(c.blobs, {
    backend: "s3",
    s3: {
      endpoint: "http://127.0.0.1:9000",
      region: "us-east-1",
      bucket: "images",
      accessKeyId: "id",
      secretAccessKey: "secret",
      prefix: "imgpro/",
      forcePathStyle: true,
    },
  });
  for (const missing of Object.keys(s3).filter((k) => k !== "BLOB_BACKEND")) {
    const env: Record<string, string> = { ...s3 };
    delete env[missing];
    assert.throws(() => loadConfig(env), (err: Error) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, new RegExp(`${missing}: required when BLOB_BACKEND=s3`));
      return true;
    });
  }
  for (
    const [env, name] of [
      [{ BLOB_BACKEND: "disk" }, "BLOB_BACKEND"],
      [{ ...s3, S3_ENDPOINT: "ftp://x" }, "S3_ENDPOINT"],
      [{ ...s3, S3_BUCKET: "No_Such" }, "S3_BUCKET"],
      [{ ...s3, S3_PREFIX: "/abs" }, "S3_PREFIX"],
      [{ ...s3, S3_PREFIX: "imgpro" }, "S3_PREFIX"],
      [{ ...s3, S3_FORCE_PATH_STYLE: "yes" }, "S3_FORCE_PATH_STYLE"],
    ] as const
  ) {
    assert.throws(() => loadConfig(env), new RegExp(`${name}: `), name);
  }
});

Deno.test("S3_PREFIX with a . or .. or empty segment is refused (it would escape the bucket)", () => {
  const s3 = {
    BLOB_BACKEND: "s3",
    S3_ENDPOINT: "http://127.0.0.1:9000",
    S3_BUCKET: "images",
    S3_ACCESS_KEY_ID: "id",
    S3_SECRET_ACCESS_KEY: "secret",
  };
  for (const prefix of ["../", "a/../", "./", "a//", "a/./b/"]) {
    assert.throws(() => loadConfig({ ...s3, S3_PREFIX: prefix }), /S3_PREFIX: /, prefix);
  }
  for (const prefix of ["", "imgpro/", "a/b/", "..x/", "v1.2/"]) {
    const c = loadConfig({ ...s3, S3_PREFIX: prefix });
    assert.equal(c.blobs.backend === "s3" && c.blobs.s3.prefix, prefix);
  }
});
