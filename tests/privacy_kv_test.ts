import assert from "node:assert/strict";
import {
  createKey,
  drain,
  keyedUpload,
  postForm,
  register,
  smallImage,
} from "./support/accounts.ts";
import { postUpload } from "./support/http.ts";
import { testApp } from "./support/test_app.ts";

const DIR = "./data/test-privacy";
const EMAIL = "privacy.canary.7f3q@example.test";
const PASSWORD = "Canary-Passw0rd-9x2LmQ";
const CLIENT_IP = "203.0.113.77";
const CAPTION = "visible-caption-canary-4k8z";

const utf16le = (s: string) => {
  const out = new Uint8Array(s.length * 2);
  for (let i = 0; i < s.length; i++) {
    out[2 * i] = s.charCodeAt(i) & 0xff;
    out[2 * i + 1] = s.charCodeAt(i) >> 8;
  }
  return out;
};

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** Every byte the KV folder holds: the database and its WAL and shared-memory files. */
async function kvFiles(): Promise<{ name: string; bytes: Uint8Array }[]> {
  const files = [];
  for await (const entry of Deno.readDir(DIR)) {
    if (entry.isFile) {
      files.push({ name: entry.name, bytes: await Deno.readFile(`${DIR}/${entry.name}`) });
    }
  }
  return files;
}

Deno.test("the KV file holds no e-mail, password, API key, client IP or delete token in clear", async () => {
  await Deno.remove(DIR, { recursive: true }).catch(() => {});
  await Deno.mkdir(DIR, { recursive: true });
  let apiKey = "";
  let deleteToken = "";
  try {
    const kv = await Deno.openKv(`${DIR}/privacy.kv`);
    const t = await testApp({ TRUST_PROXY: "1" }, { kv });
    try {
      const forwarded = { "x-forwarded-for": CLIENT_IP };
      const cookie = await register(t, EMAIL, PASSWORD);
      apiKey = (await createKey(t, cookie, "privacy")).key;
      // A failed and a successful login: the rate limiter and the lookup see the address too.
      const bad = await t.app.request("/auth/login", {
        method: "POST",
        headers: { origin: "http://img.test", ...forwarded },
        body: new URLSearchParams({ email: EMAIL, password: "wrong-password" }),
      });
      assert.equal((await drain(bad)).status, 401);
      assert.equal(
        (await drain(await postForm(t, "/auth/login", { email: EMAIL, password: PASSWORD })))
          .status,
        303,
      );

      const gif = await smallImage();
      const anon = await postUpload(t, gif, "anon.gif", { caption: CAPTION }, {
        ...forwarded,
        "idempotency-key": "privacy-1",
      });
      const anonBody = await anon.json();
      assert.equal(anon.status, 201, JSON.stringify(anonBody));
      deleteToken = anonBody.delete_url.split("/").pop();
      const keyed = await keyedUpload(t, apiKey, gif, "keyed.gif");
      assert.equal((await drain(keyed)).status, 201);
    } finally {
      t.close();
      kv.close();
    }

    const files = await kvFiles();
    assert.ok(files.length > 0, "the KV wrote files");
    // The scan does see stored data: the public caption is there in clear.
    assert.ok(
      files.some((f) => contains(f.bytes, new TextEncoder().encode(CAPTION))),
      "positive control: the caption is found, so the scan reads the stored values",
    );
    const secrets = {
      email: EMAIL,
      password: PASSWORD,
      "API key": apiKey,
      "client IP": CLIENT_IP,
      "delete_url token": deleteToken,
    };
    const leaks: string[] = [];
    for (const [what, value] of Object.entries(secrets)) {
      for (
        const [encoding, needle] of [["UTF-8", new TextEncoder().encode(value)], [
          "UTF-16LE",
          utf16le(value),
        ]] as const
      ) {
        for (const f of files) {
          if (contains(f.bytes, needle)) leaks.push(`${what} (${encoding}) in ${f.name}`);
        }
      }
    }
    assert.deepEqual(leaks, []);
  } finally {
    await Deno.remove(DIR, { recursive: true }).catch(() => {});
  }
});
