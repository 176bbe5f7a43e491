import { createApp } from "../../src/app.ts";
import { fixedClock } from "../../src/clock.ts";
import { loadConfig } from "../../src/config.ts";
import { randomIds } from "../../src/ids.ts";
import { buildServices } from "../../src/services.ts";

export const FIXTURES = new URL("../fixtures/", import.meta.url);
export const fixture = (name: string) => Deno.readFile(new URL(name, FIXTURES));

/**
 * `deno task test:s3` sets TEST_S3_ENDPOINT to an s3rver it started: every app then keeps its
 * bytes there, so the same suites run on both backends. One prefix per test process: apps that
 * share a KV (two isolates, a restart) must see the same objects.
 */
const SUITE_PREFIX = `suite-${crypto.randomUUID()}/`;

function s3FromEnvironment(): Record<string, string> {
  const endpoint = Deno.env.get("TEST_S3_ENDPOINT");
  if (!endpoint) return {};
  return {
    BLOB_BACKEND: "s3",
    S3_ENDPOINT: endpoint,
    S3_BUCKET: Deno.env.get("TEST_S3_BUCKET") ?? "imgpro-test",
    S3_ACCESS_KEY_ID: "S3RVER",
    S3_SECRET_ACCESS_KEY: "S3RVER",
    S3_PREFIX: SUITE_PREFIX,
    S3_FORCE_PATH_STYLE: "1",
  };
}

/** A whole service over an in-memory KV, with a clock the test controls. */
export async function testApp(
  env: Record<string, string> = {},
  opts: { kv?: Deno.Kv; startMs?: number } = {},
) {
  // IMAGE_WORKERS from the environment picks the engine mode the whole suite runs in (CI runs
  // it with the default pool and again inline, IMAGE_WORKERS=0).
  const workers = Deno.env.get("IMAGE_WORKERS");
  const config = loadConfig({
    KV_PATH: ":memory:",
    PUBLIC_URL: "http://img.test",
    ...(workers ? { IMAGE_WORKERS: workers } : {}),
    ...s3FromEnvironment(),
    ...env,
  });
  const kv = opts.kv ?? await Deno.openKv(":memory:");
  const clock = fixedClock(opts.startMs ?? Date.UTC(2026, 10, 25, 12));
  const services = buildServices(
    config,
    kv,
    clock,
    randomIds,
    "test-secret-test-secret-test-secret!",
  );
  const app = createApp({ ...services, version: "test" });
  return {
    app,
    clock,
    services,
    kv,
    /** Closes the runtime's timers and, unless the caller owns it, the KV. */
    close() {
      services.runtime.close();
      services.vision.close();
      services.engine.close();
      if (!opts.kv) kv.close();
    },
  };
}

export function uploadForm(
  bytes: Uint8Array,
  name = "image.bin",
  fields: Record<string, string> = {},
): FormData {
  const form = new FormData();
  form.append("file", new Blob([bytes as Uint8Array<ArrayBuffer>]), name);
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  return form;
}
