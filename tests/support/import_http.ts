import assert from "node:assert/strict";
import { type ImageJson, type TestApp, withApp } from "./http.ts";
import { type Hit, withOrigin, withRawOrigin } from "./import_origin.ts";

// POST /v1/import against an app whose IMPORT_ALLOW_HOSTS names only the test origins.

export const TIMEOUT_MS = 1500;
export const hostPort = (origin: string) => new URL(origin).host;

export function postImport(t: TestApp, body: unknown, headers: Record<string, string> = {}) {
  return Promise.resolve(t.app.request("/v1/import", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  }));
}

export async function importOk(t: TestApp, body: Record<string, unknown>): Promise<ImageJson> {
  const res = await postImport(t, body);
  const json = await res.json();
  assert.equal(res.status, 201, JSON.stringify(json));
  return json as ImageJson;
}

/** An app that may reach the test origins (and nothing else on loopback), with a short deadline. */
export async function withImportApp(
  fn: (t: TestApp, origin: string, hits: Hit[], raw: string, rawHits: string[]) => Promise<void>,
  env: Record<string, string> = {},
) {
  await withOrigin(async (origin, hits) => {
    await withRawOrigin(async (raw, rawHits) => {
      await withApp((t) => fn(t, origin, hits, raw, rawHits), {
        IMPORT_ALLOW_HOSTS: `${hostPort(origin)},${hostPort(raw)}`,
        IMPORT_TIMEOUT_MS: String(TIMEOUT_MS),
        ...env,
      });
    });
  });
}

export async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const out = await fn();
  return [out, performance.now() - started];
}
