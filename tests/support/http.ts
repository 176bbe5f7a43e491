import assert from "node:assert/strict";
import { testApp, uploadForm } from "./test_app.ts";

export type TestApp = Awaited<ReturnType<typeof testApp>>;

export const DAY_MS = 86_400_000;

/** Runs `fn` against a fresh app and always closes it, so the sanitizers stay quiet. */
export async function withApp(
  fn: (t: TestApp) => Promise<void>,
  env: Record<string, string> = {},
  opts: { kv?: Deno.Kv; startMs?: number } = {},
): Promise<void> {
  const t = await testApp(env, opts);
  try {
    await fn(t);
  } finally {
    t.close();
  }
}

/** POST /v1/upload with a multipart body built from the file and text fields. */
export function postUpload(
  t: TestApp,
  bytes: Uint8Array,
  name = "image.bin",
  fields: Record<string, string> = {},
  headers: Record<string, string> = {},
): Promise<Response> {
  return Promise.resolve(
    t.app.request("/v1/upload", { method: "POST", body: uploadForm(bytes, name, fields), headers }),
  );
}

export type ImageJson = {
  id: string;
  link: string;
  extension: string;
  width: number;
  height: number;
  filesize: number;
  created_at: number;
  expires_at?: number;
  caption?: string;
  metadata?: Record<string, string>;
  upgrade?: { type: string; url: string; message: string; label: string };
};

/** Uploads and asserts 201, returning the image object. */
export async function uploadOk(
  t: TestApp,
  bytes: Uint8Array,
  name = "image.bin",
  fields: Record<string, string> = {},
): Promise<ImageJson> {
  const res = await postUpload(t, bytes, name, fields);
  const body = await res.json();
  assert.equal(res.status, 201, JSON.stringify(body));
  return body as ImageJson;
}

export type ErrorJson = {
  error: string;
  message: string;
  action:
    & { type: string; field?: string; hint?: string; url?: string; label?: string }
    & Record<
      string,
      unknown
    >;
};

/** Asserts the SPEC §7 envelope with the given status and code; consumes the body. */
export async function expectError(
  res: Response,
  status: number,
  code: string,
  actionType = "fix",
): Promise<ErrorJson> {
  const text = await res.text();
  assert.equal(res.status, status, `expected ${status} ${code}, got ${res.status}: ${text}`);
  assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
  const body = JSON.parse(text) as ErrorJson;
  assert.equal(body.error, code, text);
  assert.equal(typeof body.message, "string");
  assert.ok(body.message.length > 0, "message is not empty");
  assert.equal(body.action?.type, actionType, text);
  return body;
}

/** Serialises a FormData the way a real client would, with its Content-Length. */
export async function encodeForm(
  form: FormData,
): Promise<{ body: Uint8Array<ArrayBuffer>; headers: Record<string, string> }> {
  const req = new Request("http://x/", { method: "POST", body: form });
  const body = new Uint8Array(await req.arrayBuffer());
  return {
    body,
    headers: {
      "content-type": req.headers.get("content-type")!,
      "content-length": String(body.length),
    },
  };
}
