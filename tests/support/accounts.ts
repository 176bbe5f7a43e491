import assert from "node:assert/strict";
import type { TestApp } from "./http.ts";
import { fixture, uploadForm } from "./test_app.ts";
import type { StreamId } from "../../domain/streams.ts";

/** The test app's PUBLIC_URL origin: what a browser sends on our own form POSTs. */
export const ORIGIN = "http://img.test";
export const API_KEY_PATTERN = /^img_live_[0-9A-Za-z]{43}$/;

/** The smallest fixture (a 4,438-byte animated GIF): cheap to upload many times. */
export const smallImage = () => fixture("animated.gif");

/** A browser form POST from our own origin (or `origin`), urlencoded like an HTML form. */
export function postForm(
  t: TestApp,
  path: string,
  fields: Record<string, string>,
  opts: { origin?: string; cookie?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded",
    origin: opts.origin ?? ORIGIN,
  };
  if (opts.cookie) headers.cookie = opts.cookie;
  return Promise.resolve(
    t.app.request(path, { method: "POST", body: new URLSearchParams(fields), headers }),
  );
}

/** `name=value` of the session cookie a response sets, or null. */
export function sessionCookieOf(res: Response): string | null {
  const header = res.headers.getSetCookie().find((c) => c.startsWith("imgpro_session="));
  return header ? header.split(";")[0] : null;
}

/** Registers through the form and returns the session cookie (`name=value`). */
export async function register(t: TestApp, email: string, password: string): Promise<string> {
  const res = await postForm(t, "/auth/register", { email, password });
  const text = await res.text();
  assert.equal(res.status, 303, text);
  const cookie = sessionCookieOf(res);
  assert.ok(cookie, "register sets the session cookie");
  return cookie;
}

/** JSON request with a session cookie, sent from our own origin as the dashboard would. */
export function sessionJson(
  t: TestApp,
  cookie: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<Response> {
  const headers: Record<string, string> = { cookie, origin: ORIGIN };
  if (body !== undefined) headers["content-type"] = "application/json";
  return Promise.resolve(t.app.request(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  }));
}

/** POST /v1/keys with the session; asserts 201 and returns the created key. */
export async function createKey(
  t: TestApp,
  cookie: string,
  name = "laptop",
): Promise<{ key: string; key_id: string; name: string; created_at: number }> {
  const res = await sessionJson(t, cookie, "POST", "/v1/keys", { name });
  const body = await res.json();
  assert.equal(res.status, 201, JSON.stringify(body));
  return body;
}

/** A request authenticated with `Authorization: Bearer <key>`. */
export function withKey(
  t: TestApp,
  key: string,
  path: string,
  init: RequestInit = {},
): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${key}`);
  return Promise.resolve(t.app.request(path, { ...init, headers }));
}

/** POST /v1/upload with a key. */
export function keyedUpload(
  t: TestApp,
  key: string,
  bytes: Uint8Array,
  name = "image.gif",
  fields: Record<string, string> = {},
): Promise<Response> {
  return withKey(t, key, "/v1/upload", { method: "POST", body: uploadForm(bytes, name, fields) });
}

export type Usage = {
  plan: string;
  uploads_used: number;
  uploads_limit: number;
  storage_used_bytes: number;
  storage_limit_bytes: number;
  period: string;
};
export type AccountJson = { id: string; email: string | null; created_at: number; usage: Usage };

/** GET /v1/account with a key; asserts 200. */
export async function account(t: TestApp, key: string): Promise<AccountJson> {
  const res = await withKey(t, key, "/v1/account");
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  return body;
}

let counter = 0;

/** Registers a fresh account and creates a key: what most keyed tests start from. */
export async function signUp(t: TestApp, email = `user${++counter}@example.test`) {
  const cookie = await register(t, email, "correct horse battery");
  const { key } = await createKey(t, cookie);
  const { id } = await account(t, key);
  return { cookie, key, accountId: id, email };
}

/** The event types of a stream, in order. */
export async function eventTypes(t: TestApp, stream: StreamId): Promise<string[]> {
  const { events } = await t.services.store.readStream(stream);
  return events.map((e) => e.type);
}

/** Reads and discards a body, so the sanitizers see no open resource. */
export async function drain(res: Response): Promise<Response> {
  await res.body?.cancel();
  return res;
}

/**
 * The small GIF with one palette entry changed: still a valid image, but different bytes, so
 * concurrent uploads do not share a blob.
 */
export async function distinctImage(i: number): Promise<Uint8Array> {
  const gif = await smallImage();
  gif[13] = (gif[13] + 1 + i) % 256; // first colour of the global colour table
  return gif;
}
