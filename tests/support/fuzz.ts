/**
 * Shared helpers for the HTTP robustness review (tests/fuzz_*_test.ts): `probe` sends one
 * request and records what breaks the rule (a throw, a 5xx, or a 4xx that is neither an HTML
 * page nor the SPEC §7 envelope), `world` sets up an account, a key and images to aim at, and
 * the multipart builders assemble raw upload bodies byte by byte.
 */
import assert from "node:assert/strict";
import { createKey, register } from "./accounts.ts";
import type { TestApp } from "./http.ts";
import { fixture, uploadForm } from "./test_app.ts";

export const enc = new TextEncoder();
/** Many anonymous uploads succeed here: the hourly limit must not turn them into 429s. */
export const ENV = { ANON_UPLOADS_PER_HOUR: "100000", ANON_UPLOADS_PER_DAY: "100000" };
export const short = (s: string) => (s.length > 90 ? `${s.slice(0, 90)}…(${s.length})` : s);

export type Envelope = { error?: unknown; message?: unknown; action?: { type?: unknown } };

export function parseJson(text: string): Envelope | null {
  try {
    return JSON.parse(text) as Envelope;
  } catch {
    return null;
  }
}

/** MCP answers protocol errors (405 on GET/DELETE, 406 without the SSE Accept) as JSON-RPC. */
export const isJsonRpc = (path: string, text: string) =>
  path.startsWith("/mcp") && parseJson(text) !== null && text.includes('"jsonrpc"');

/**
 * Sends one request and records what breaks the rule: a throw, a 5xx, or a 4xx that is neither
 * an HTML page nor the JSON envelope with `action.type`. Always consumes the body.
 */
export async function probe(
  t: TestApp,
  problems: string[],
  label: string,
  path: string,
  init: RequestInit = {},
): Promise<number> {
  const method = init.method ?? "GET";
  let res: Response;
  try {
    res = await t.app.request(path, init);
  } catch (err) {
    problems.push(`${label}: ${method} ${short(path)} threw ${err}`);
    return 0;
  }
  const text = await res.text();
  const type = res.headers.get("content-type") ?? "";
  if (res.status >= 500) {
    problems.push(`${label}: ${method} ${short(path)} → ${res.status} ${text.slice(0, 160)}`);
  } else if (
    res.status >= 400 && method !== "HEAD" && !type.includes("text/html") &&
    !isJsonRpc(path, text)
  ) {
    const body = parseJson(text);
    if (
      typeof body?.error !== "string" || typeof body.message !== "string" ||
      typeof body.action?.type !== "string"
    ) {
      problems.push(`${label}: ${method} ${short(path)} → ${res.status} not an envelope: ${text}`);
    }
  }
  return res.status;
}

export function assertClean(problems: string[]) {
  assert.deepEqual(
    problems,
    [],
    `${problems.length} responses broke the rule:\n${problems.join("\n")}`,
  );
}

/** A registered account with a key, a keyed image and an anonymous one with its delete token. */
export async function world(t: TestApp) {
  const cookie = await register(t, "fuzz@example.test", "correct horse battery");
  const created = await createKey(t, cookie);
  const auth = { authorization: `Bearer ${created.key}` };
  const gif = await fixture("animated.gif");
  const keyed = await t.app.request("/v1/upload", {
    method: "POST",
    body: uploadForm(gif),
    headers: auth,
  });
  assert.equal(keyed.status, 201);
  const image = (await keyed.json()) as { id: string };
  const anon = await t.app.request("/v1/upload", { method: "POST", body: uploadForm(gif) });
  assert.equal(anon.status, 201);
  const anonImage = (await anon.json()) as { id: string; delete_url: string };
  const token = anonImage.delete_url.split("/").pop()!;
  return {
    cookie,
    key: created.key,
    keyId: created.key_id,
    auth,
    id: image.id,
    anon: anonImage,
    token,
  };
}

export async function expectClientError(res: Response, label: string) {
  const text = await res.text();
  assert.ok(res.status >= 400 && res.status < 500, `${label}: ${res.status} ${text.slice(0, 300)}`);
  const type = res.headers.get("content-type") ?? "";
  if (type.includes("text/html")) return;
  const body = parseJson(text);
  assert.equal(typeof body?.action?.type, "string", `${label}: envelope expected, got ${text}`);
}

export function concat(...parts: (string | Uint8Array)[]): Uint8Array<ArrayBuffer> {
  const bytes = parts.map((p) => (typeof p === "string" ? enc.encode(p) : p));
  const out = new Uint8Array(bytes.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of bytes) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

export const B = "XyZzY";
export const filePart = (data: Uint8Array, name = "file", filename = "a.gif") =>
  concat(
    `--${B}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\n`,
    "Content-Type: image/gif\r\n\r\n",
    data,
    "\r\n",
  );
export const textPart = (name: string, value: string) =>
  `--${B}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
export const END = `--${B}--\r\n`;
