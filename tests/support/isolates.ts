/**
 * Shared helpers for the concurrency and durability review (tests/concurrency_*_test.ts). Two
 * test apps over one KV stand for two isolates (each has its own actors, caches and
 * projection-generation cache, as on Deno Deploy); their clocks are moved together. The asserts
 * check what must hold after every race: each acknowledged (201) image still serves its bytes,
 * every ending is recorded exactly once, and `replay()` finds no difference.
 */
import assert from "node:assert/strict";
import { replay } from "../../src/replay/replay.ts";
import { createKey, register } from "./accounts.ts";
import type { TestApp } from "./http.ts";
import { testApp, uploadForm } from "./test_app.ts";
import { streams } from "../../domain/streams.ts";

export const ENV = { ANON_UPLOADS_PER_HOUR: "100000", ANON_UPLOADS_PER_DAY: "100000" };
export const MINUTE = 60_000;
export const DAY = 86_400_000;

export type Image = { id: string; link: string; filesize: number; delete_url?: string };

export async function twoIsolates(
  fn: (a: TestApp, b: TestApp) => Promise<void>,
  env: Record<string, string> = {},
) {
  const kv = await Deno.openKv(":memory:");
  const a = await testApp({ ...ENV, ...env }, { kv });
  const b = await testApp({ ...ENV, ...env }, { kv });
  try {
    await fn(a, b);
  } finally {
    a.close();
    b.close();
    kv.close();
  }
}

export const advance = (ms: number, ...apps: TestApp[]) => apps.forEach((t) => t.clock.advance(ms));

export function upload(
  t: TestApp,
  bytes: Uint8Array,
  fields: Record<string, string> = {},
  headers: Record<string, string> = {},
) {
  return Promise.resolve(
    t.app.request("/v1/upload", {
      method: "POST",
      body: uploadForm(bytes, "a.gif", fields),
      headers,
    }),
  );
}

export async function created(res: Response): Promise<Image> {
  const text = await res.text();
  assert.equal(res.status, 201, text);
  return JSON.parse(text) as Image;
}

/** GET /{id} from `t`, past its two-second delivery cache; asserts the exact bytes. */
export async function assertServes(t: TestApp, image: Image, bytes: Uint8Array) {
  t.services.queries.forget(image.id);
  const res = await t.app.request(`/${image.id}`);
  const body = new Uint8Array(await res.arrayBuffer());
  assert.equal(res.status, 200, `${image.id}: ${new TextDecoder().decode(body).slice(0, 200)}`);
  assert.deepEqual(body, bytes, `${image.id} serves its bytes`);
}

export async function statusOf(t: TestApp, path: string): Promise<number> {
  t.services.queries.forget(path.slice(1));
  const res = await t.app.request(path);
  await res.body?.cancel();
  return res.status;
}

export async function assertReplayClean(t: TestApp) {
  const report = await replay(t.services.store);
  assert.deepEqual(report.differences, [], "replay finds no difference");
}

export async function eventsOf(t: TestApp, id: string): Promise<string[]> {
  return (await t.services.store.readStream(streams.image(id))).events.map((e) => e.type);
}

export const ENDINGS = new Set(["ImageExpired", "ImageDeleted"]);

export function assertEndedOnce(types: string[], id: string) {
  const endings = types.filter((t) => ENDINGS.has(t));
  assert.equal(endings.length, 1, `${id}: ${types.join(", ")}`);
  assert.ok(ENDINGS.has(types.at(-1)!), `${id}: nothing after its ending (${types.join(", ")})`);
}

export async function account(t: TestApp, email: string) {
  const cookie = await register(t, email, "correct horse battery");
  const { key } = await createKey(t, cookie);
  const auth = { authorization: `Bearer ${key}` };
  const res = await t.app.request("/v1/account", { headers: auth });
  const { id } = (await res.json()) as { id: string };
  return { auth, accountId: id };
}

export async function storageOf(t: TestApp, accountId: string): Promise<number> {
  return (await t.services.accounts.get(accountId))!.storage;
}
