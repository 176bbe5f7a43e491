import assert from "node:assert/strict";
import { sniff } from "../src/imaging/mod.ts";
import { signUp, withKey } from "./support/accounts.ts";
import { type TestApp, uploadOk, withApp } from "./support/http.ts";
import { fixture } from "./support/test_app.ts";

const CHROME = "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8";
const OLD_SAFARI = "image/webp,image/png,image/svg+xml,image/*;q=0.8,video/*;q=0.8,*/*;q=0.5";
const FIREFOX_NO_AVIF = "image/avif;q=0,image/webp,*/*";
const CURL = "*/*";

async function get(t: TestApp, path: string, headers: Record<string, string> = {}) {
  const res = await t.app.request(path, { headers });
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { res, bytes };
}

async function variantCount(t: TestApp, id: string): Promise<number> {
  let n = 0;
  for await (const _ of t.kv.list({ prefix: ["variant", id] })) n++;
  return n;
}

Deno.test("format=auto: the Accept matrix picks AVIF, then WebP, then the stored format", async () => {
  await withApp(async (t) => {
    const jpg = await uploadOk(t, await fixture("portrait.jpg"), "p.jpg");
    const path = `/${jpg.id}?format=auto&size=s`;
    const matrix: [string | undefined, string][] = [
      [CHROME, "image/avif"],
      [OLD_SAFARI, "image/webp"],
      [FIREFOX_NO_AVIF, "image/webp"],
      [CURL, "image/jpeg"],
      [undefined, "image/jpeg"],
      ["image/png", "image/jpeg"],
    ];
    const tags = new Map<string, string>();
    for (const [accept, mime] of matrix) {
      const { res, bytes } = await get(t, path, accept ? { accept } : {});
      assert.equal(res.status, 200, `${accept}: ${res.status}`);
      assert.equal(res.headers.get("content-type"), mime, String(accept));
      // What is sent really is that format, not only labelled so.
      assert.equal(sniff(bytes).format, mime.slice(6), String(accept));
      assert.match(res.headers.get("vary") ?? "", /\bAccept\b/i, "caches must key on Accept");
      const tag = res.headers.get("etag")!;
      if (tags.has(mime)) assert.equal(tag, tags.get(mime), "one ETag per chosen format");
      tags.set(mime, tag);
    }
    assert.equal(new Set(tags.values()).size, 3, "each format has its own ETag");
    // The ETag of the chosen format is that of asking for it explicitly: one variant, one tag.
    const explicit = await get(t, `/${jpg.id}?format=avif&size=s`);
    assert.equal(explicit.res.headers.get("etag"), tags.get("image/avif"));
    assert.equal(await variantCount(t, jpg.id), 3, "avif, webp and jpeg variants, each once");

    // A revalidation answers for the format this request would get, not another one.
    const avifTag = tags.get("image/avif")!;
    const again = await t.app.request(path, {
      headers: { accept: CHROME, "if-none-match": avifTag },
    });
    assert.equal(again.status, 304);
    const other = await get(t, path, { accept: OLD_SAFARI, "if-none-match": avifTag });
    assert.equal(other.res.status, 200);
    assert.equal(other.res.headers.get("content-type"), "image/webp");
  });
});

Deno.test("format=auto keeps the stored file when the client lists neither, and the path's extension wins", async () => {
  await withApp(async (t) => {
    const png = await fixture("alpha.png");
    const img = await uploadOk(t, png, "a.png");
    const plain = await get(t, `/${img.id}?format=auto`, { accept: CURL });
    assert.equal(plain.res.headers.get("content-type"), "image/png");
    assert.deepEqual(plain.bytes, png, "the stored bytes, unchanged");
    const webp = await get(t, `/${img.id}?format=auto`, { accept: OLD_SAFARI });
    assert.equal(webp.res.headers.get("content-type"), "image/webp");
    const byPath = await get(t, `/${img.id}.png?format=auto`, { accept: CHROME });
    assert.equal(byPath.res.headers.get("content-type"), "image/png");
    assert.deepEqual(byPath.bytes, png);
  });
});

Deno.test("format=auto leaves an animated GIF animated", async () => {
  await withApp(async (t) => {
    const gif = await fixture("animated.gif");
    const img = await uploadOk(t, gif, "a.gif");
    const { res, bytes } = await get(t, `/${img.id}?format=auto`, { accept: CHROME });
    assert.equal(res.headers.get("content-type"), "image/gif");
    assert.deepEqual(bytes, gif);
  });
});

Deno.test("format=auto survives a signed link: the link keeps it and negotiates per request", async () => {
  await withApp(async (t) => {
    const { key } = await signUp(t);
    const form = new FormData();
    form.append("file", new Blob([await fixture("portrait.jpg")]), "p.jpg");
    const up = await withKey(t, key, "/v1/upload", { method: "POST", body: form });
    const { id } = await up.json();
    const res = await withKey(t, key, `/v1/images/${id}/links`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ w: 100, format: "auto" }),
    });
    const link = await res.json();
    assert.equal(res.status, 201, JSON.stringify(link));
    assert.match(link.url, /\?format=auto&w=100&sig=/);
    const path = link.url.replace("http://img.test", "");
    const webp = await get(t, path, { accept: OLD_SAFARI });
    assert.equal(webp.res.status, 200);
    assert.equal(webp.res.headers.get("content-type"), "image/webp");
    const jpeg = await get(t, path, { accept: CURL });
    assert.equal(jpeg.res.headers.get("content-type"), "image/jpeg");
  });
});
