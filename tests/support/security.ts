/**
 * Shared helpers for the security review tests (tests/security_*_test.ts): raw and forged form
 * POSTs, in-process MCP calls, keyed images, and a status-and-drain shortcut.
 */
import assert from "node:assert/strict";
import { drain, keyedUpload, smallImage, withKey } from "./accounts.ts";
import type { ImageJson, TestApp } from "./http.ts";

export const EVIL = "https://evil.example";
export const FORM = "application/x-www-form-urlencoded";
export const enc = new TextEncoder();

/** A raw POST with exactly the headers given (postForm always adds our own Origin). */
export function rawPost(
  t: TestApp,
  path: string,
  body: BodyInit | null,
  headers: Record<string, string>,
): Promise<Response> {
  return Promise.resolve(t.app.request(path, { method: "POST", body, headers }));
}

/** The ways a cross-site (or same-site sibling) page can send a form POST. */
export function forgedVariants(fields: Record<string, string>, cookie?: string) {
  const withCookie = (h: Record<string, string>) => (cookie ? { ...h, cookie } : h);
  const form = () => new URLSearchParams(fields);
  const multipart = () => {
    const f = new FormData();
    for (const [k, v] of Object.entries(fields)) f.append(k, v);
    return f;
  };
  return [
    {
      name: "Origin: evil",
      body: form,
      headers: withCookie({ "content-type": FORM, origin: EVIL }),
    },
    {
      name: "Origin: null",
      body: form,
      headers: withCookie({ "content-type": FORM, origin: "null" }),
    },
    {
      name: "same-site sibling",
      body: form,
      headers: withCookie({ "content-type": FORM, origin: "http://static.img.test" }),
    },
    {
      name: "no Origin, Sec-Fetch-Site cross-site",
      body: form,
      headers: withCookie({ "content-type": FORM, "sec-fetch-site": "cross-site" }),
    },
    { name: "multipart from evil", body: multipart, headers: withCookie({ origin: EVIL }) },
    {
      name: "no content-type, no Origin",
      body: () => enc.encode(new URLSearchParams(fields).toString()),
      headers: withCookie({}),
    },
  ];
}

export const MCP_HEADERS = {
  "content-type": "application/json",
  accept: "application/json, text/event-stream",
  "mcp-protocol-version": "2025-03-26",
};

export type ToolResult = {
  result?: {
    isError?: boolean;
    structuredContent?: Record<string, unknown>;
    _meta?: { http_status?: number };
  };
  error?: unknown;
};

export const toolCall = (id: number, name: string, args: Record<string, unknown>) => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: { name, arguments: args },
});

/** POST /mcp in-process; `messages` may be one JSON-RPC message or a batch. */
export async function mcp(
  t: TestApp,
  messages: unknown,
  headers: Record<string, string> = {},
): Promise<ToolResult | ToolResult[]> {
  const res = await t.app.request("/mcp", {
    method: "POST",
    headers: { ...MCP_HEADERS, ...headers },
    body: JSON.stringify(messages),
  });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  return JSON.parse(text);
}

/** One MCP tools/call: the HTTP status the tool reports, whether it failed, and its body. */
export async function tool(
  t: TestApp,
  name: string,
  args: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  const out = await mcp(t, toolCall(1, name, args), headers) as ToolResult;
  assert.ok(out.result, JSON.stringify(out));
  return {
    status: out.result._meta?.http_status,
    isError: out.result.isError === true,
    body: out.result.structuredContent ?? {},
  };
}

/** Uploads the small fixture with `key`, expecting 201. */
export async function keyedImage(t: TestApp, key: string, caption = "mine"): Promise<ImageJson> {
  const res = await keyedUpload(t, key, await smallImage(), "a.gif", { caption });
  const body = await res.json();
  assert.equal(res.status, 201, JSON.stringify(body));
  return body;
}

/** GET /v1/images/:id with `key`, expecting 200. */
export async function ownerView(t: TestApp, key: string, id: string) {
  const res = await withKey(t, key, `/v1/images/${id}`);
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  return body;
}

/** Awaits a response, drains its body, and returns its status. */
export async function status(res: Response | Promise<Response>): Promise<number> {
  const r = await res;
  await drain(r);
  return r.status;
}
