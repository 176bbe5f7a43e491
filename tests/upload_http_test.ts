import assert from "node:assert/strict";
import { fixture, uploadForm } from "./support/test_app.ts";
import { pngHeaderOnly } from "./support/images.ts";
import { DAY_MS, encodeForm, expectError, postUpload, uploadOk, withApp } from "./support/http.ts";

const enc = new TextEncoder();
const nowSeconds = (ms: number) => Math.floor(ms / 1000);

Deno.test("uploading a JPEG returns 201 and the full anonymous image object", async () => {
  await withApp(async (t) => {
    const bytes = await fixture("portrait.jpg");
    const res = await postUpload(t, bytes, "portrait.jpg", {
      caption: "An astronaut",
      author: "NASA",
      license: "public-domain",
    });
    const body = await res.json();
    assert.equal(res.status, 201, JSON.stringify(body));
    assert.match(body.id, /^[0-9A-Za-z]{10}$/);
    const created = nowSeconds(t.clock.now());
    assert.deepEqual(body, {
      id: body.id,
      link: `http://img.test/${body.id}`,
      extension: "jpg",
      width: 512,
      height: 512,
      filesize: bytes.length,
      created_at: created,
      sizes: {
        s: `http://img.test/${body.id}?size=s`,
        m: `http://img.test/${body.id}?size=m`,
        l: `http://img.test/${body.id}?size=l`,
        social: `http://img.test/${body.id}?size=social`,
      },
      thumbhash: body.thumbhash,
      dominant_color: body.dominant_color,
      expires_at: created + 30 * 86_400,
      caption: "An astronaut",
      metadata: { author: "NASA", license: "public-domain" },
      upgrade: {
        type: "register",
        url: "http://img.test/auth/register?from_cta=api",
        message: body.upgrade?.message,
        label: body.upgrade?.label,
      },
      delete_url: body.delete_url,
    });
    assert.match(
      body.delete_url,
      new RegExp(`^http://img\\.test/delete/${body.id}/[A-Za-z0-9_-]{32}$`),
    );
    assert.equal(typeof body.upgrade.message, "string");
    assert.equal(typeof body.upgrade.label, "string");
    assert.match(body.thumbhash, /^[A-Za-z0-9+/]+=*$/);
    assert.match(body.dominant_color, /^#[0-9a-f]{6}$/);
    assert.equal(res.headers.get("location"), body.link);
  });
});

Deno.test("uploading a PNG and an animated GIF reports their formats and sizes", async () => {
  await withApp(async (t) => {
    const png = await fixture("cat.png");
    const p = await uploadOk(t, png, "cat.png");
    assert.deepEqual([p.extension, p.width, p.height, p.filesize], ["png", 451, 300, png.length]);
    assert.equal(p.caption, undefined);
    assert.equal(p.metadata, undefined);

    const gif = await fixture("animated.gif");
    const g = await uploadOk(t, gif, "animated.gif");
    assert.deepEqual([g.extension, g.width, g.height, g.filesize], ["gif", 14, 25, gif.length]);
    assert.notEqual(g.id, p.id);
  });
});

Deno.test("a truncated JPEG is refused with 422 invalid_image", async () => {
  await withApp(async (t) => {
    const res = await postUpload(t, await fixture("truncated.jpg"), "truncated.jpg");
    await expectError(res, 422, "invalid_image");
  });
});

Deno.test("an image declaring more than 50 megapixels is refused with 422 image_too_large", async () => {
  await withApp(async (t) => {
    const res = await postUpload(t, pngHeaderOnly(100_000, 100_000), "bomb.png");
    await expectError(res, 422, "image_too_large");
  });
});

Deno.test("an empty file is refused with a 4xx envelope", async () => {
  await withApp(async (t) => {
    const res = await postUpload(t, new Uint8Array(0), "empty.jpg");
    assert.ok(res.status >= 400 && res.status < 500, `status ${res.status}`);
    await expectError(res, res.status, "invalid_image");
  });
});

Deno.test("text, HTML and PDF bytes named .jpg are refused with 415 naming the type", async () => {
  await withApp(async (t) => {
    const cases: [string, string][] = [
      ["hello, this is just some plain text\n", "text"],
      ["<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", "html"],
      ["%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n", "pdf"],
    ];
    for (const [content, detected] of cases) {
      const res = await postUpload(t, enc.encode(content), "photo.jpg");
      const body = await expectError(res, 415, "unsupported_format");
      assert.match(body.message, new RegExp(detected), body.message);
    }
  });
});

Deno.test("a form without a file field is refused with validation_error", async () => {
  await withApp(async (t) => {
    const form = new FormData();
    form.append("caption", "no file here");
    const res = await t.app.request("/v1/upload", { method: "POST", body: form });
    const body = await expectError(res, 422, "validation_error");
    assert.equal(body.action.field, "file");
  });
});

Deno.test("ttl is validated: not a duration, below 5 minutes, above 30 days anonymous", async () => {
  await withApp(async (t) => {
    const jpg = await fixture("portrait.jpg");
    for (const ttl of ["abc", "10", "299", "31d", "91d"]) {
      const res = await postUpload(t, jpg, "p.jpg", { ttl });
      const body = await expectError(res, 422, "validation_error");
      assert.equal(body.action.field, "ttl", `ttl=${ttl}: ${JSON.stringify(body)}`);
    }
  });
});

Deno.test("ttl 2h makes the image expire two hours after upload", async () => {
  await withApp(async (t) => {
    const img = await uploadOk(t, await fixture("portrait.jpg"), "p.jpg", { ttl: "2h" });
    assert.equal(img.expires_at, nowSeconds(t.clock.now()) + 7200);
    const secs = await uploadOk(t, await fixture("cat.png"), "c.png", { ttl: "300" });
    assert.equal(secs.expires_at, nowSeconds(t.clock.now()) + 300);
    const max = await uploadOk(t, await fixture("cat.png"), "c.png", { ttl: "30d" });
    assert.equal(max.expires_at, nowSeconds(t.clock.now()) + 30 * 86_400);
  });
});

Deno.test("a caption over 2,000 characters is refused", async () => {
  await withApp(async (t) => {
    const res = await postUpload(t, await fixture("portrait.jpg"), "p.jpg", {
      caption: "x".repeat(2001),
    });
    const body = await expectError(res, 422, "validation_error");
    assert.equal(body.action.field, "caption");
  });
});

Deno.test("attribution metadata: 21 fields and upper-case names are refused", async () => {
  await withApp(async (t) => {
    const jpg = await fixture("portrait.jpg");
    const many = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`field_${i}`, "v"]));
    await expectError(await postUpload(t, jpg, "p.jpg", many), 422, "validation_error");

    const upper = await postUpload(t, jpg, "p.jpg", { Author: "NASA" });
    await expectError(upper, 422, "validation_error");

    const longValue = await postUpload(t, jpg, "p.jpg", { author: "a".repeat(1001) });
    await expectError(longValue, 422, "validation_error");

    const twenty = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`field_${i}`, "v"]));
    const ok = await uploadOk(t, jpg, "p.jpg", twenty);
    assert.equal(Object.keys(ok.metadata ?? {}).length, 20);
  });
});

Deno.test("a file over the anonymous limit is refused with 413 and a register action", async () => {
  await withApp(async (t) => {
    const big = new Uint8Array(300_000);
    big.set(await fixture("portrait.jpg"));
    const res = await postUpload(t, big, "big.jpg");
    const body = await expectError(res, 413, "file_too_large", "register");
    assert.equal(body.action.url, "http://img.test/auth/register?from_cta=api");
    assert.equal(typeof body.action.label, "string");
  }, { ANON_MAX_BYTES: "100000" });
});

Deno.test("a body far over the limit is refused with 413, with or without Content-Length", async () => {
  await withApp(async (t) => {
    const form = uploadForm(new Uint8Array(600_000), "huge.jpg");
    const streamed = await t.app.request("/v1/upload", { method: "POST", body: form });
    await expectError(streamed, 413, "file_too_large", "register");

    const { body, headers } = await encodeForm(uploadForm(new Uint8Array(600_000), "huge.jpg"));
    const sized = await t.app.request("/v1/upload", { method: "POST", body, headers });
    await expectError(sized, 413, "file_too_large", "register");
  }, { ANON_MAX_BYTES: "100000" });
});

Deno.test("the size limit applies to the file itself, not the multipart framing", async () => {
  const jpg = await fixture("portrait.jpg"); // 89,195 bytes
  await withApp(async (t) => {
    const img = await uploadOk(t, jpg, "portrait.jpg");
    assert.equal(img.filesize, jpg.length);
  }, { ANON_MAX_BYTES: "90000" });
  await withApp(async (t) => {
    await expectError(await postUpload(t, jpg, "portrait.jpg"), 413, "file_too_large", "register");
    const { body, headers } = await encodeForm(uploadForm(jpg, "portrait.jpg"));
    const sized = await t.app.request("/v1/upload", { method: "POST", body, headers });
    await expectError(sized, 413, "file_too_large", "register");
  }, { ANON_MAX_BYTES: "89000" });
});

Deno.test("the 413 message states the configured limit, not a rounded-down '0 MB'", async () => {
  await withApp(async (t) => {
    const res = await postUpload(t, new Uint8Array(300_000), "big.jpg");
    const body = await expectError(res, 413, "file_too_large", "register");
    assert.doesNotMatch(body.message, /\b0 MB\b/, body.message);
  }, { ANON_MAX_BYTES: "100000" });
});

async function commitCount(t: { services: { store: { readLog(): AsyncIterable<unknown> } } }) {
  let n = 0;
  for await (const _ of t.services.store.readLog()) n++;
  return n;
}

Deno.test("a retry with the same Idempotency-Key returns the first image and stores nothing new", async () => {
  await withApp(async (t) => {
    const jpg = await fixture("portrait.jpg");
    const headers = { "Idempotency-Key": "retry-1" };
    const first = await postUpload(t, jpg, "p.jpg", { caption: "once" }, headers);
    const a = await first.json();
    assert.equal(first.status, 201);
    assert.equal(first.headers.get("idempotent-replayed"), null);

    t.clock.advance(5_000);
    const second = await postUpload(t, jpg, "p.jpg", { caption: "once" }, headers);
    const b = await second.json();
    assert.equal(second.status, 201);
    assert.equal(second.headers.get("idempotent-replayed"), "true");
    assert.deepEqual(b, a);

    const view = await t.app.request(`/${a.id}`);
    assert.equal(view.status, 200);
    await view.body?.cancel();
    assert.equal(await commitCount(t), 1);
  });
});

Deno.test("reusing an Idempotency-Key for a different file is refused with 409 idempotency_key_conflict", async () => {
  await withApp(async (t) => {
    const headers = { "Idempotency-Key": "key-2" };
    await uploadOk(t, await fixture("portrait.jpg"), "p.jpg");
    const first = await postUpload(t, await fixture("portrait.jpg"), "p.jpg", {}, headers);
    assert.equal(first.status, 201);
    await first.body?.cancel();
    const other = await postUpload(t, await fixture("cat.png"), "c.png", {}, headers);
    await expectError(other, 409, "idempotency_key_conflict");
    assert.equal(await commitCount(t), 2);
  });
});

Deno.test("two concurrent uploads with the same Idempotency-Key create one image", async () => {
  await withApp(async (t) => {
    const jpg = await fixture("portrait.jpg");
    const headers = { "Idempotency-Key": "race" };
    const [r1, r2] = await Promise.all([
      postUpload(t, jpg, "p.jpg", {}, headers),
      postUpload(t, jpg, "p.jpg", {}, headers),
    ]);
    const [a, b] = [await r1.json(), await r2.json()];
    assert.equal(r1.status, 201, JSON.stringify(a));
    assert.equal(r2.status, 201, JSON.stringify(b));
    assert.equal(a.id, b.id);
    assert.equal(await commitCount(t), 1);
  });
});

Deno.test("malformed bodies and wrong content types get a 4xx envelope, never a 500", async () => {
  await withApp(async (t) => {
    const attempts: RequestInit[] = [
      {
        body: '--xyz\r\nContent-Disposition: form-data; name="file"\r\n\r\ngarbage',
        headers: { "content-type": "multipart/form-data; boundary=xyz" },
      },
      { body: "not multipart at all", headers: { "content-type": "multipart/form-data" } },
      { body: JSON.stringify({ file: "abc" }), headers: { "content-type": "application/json" } },
      { body: "file=abc", headers: { "content-type": "application/x-www-form-urlencoded" } },
      { body: "raw bytes", headers: { "content-type": "image/jpeg" } },
      {},
    ];
    for (const init of attempts) {
      const res = await t.app.request("/v1/upload", { method: "POST", ...init });
      const text = await res.text();
      const label = `${JSON.stringify(init.headers)} -> ${res.status} ${text}`;
      assert.ok(res.status >= 400 && res.status < 500, label);
      const body = JSON.parse(text);
      assert.equal(typeof body.error, "string", label);
      assert.equal(typeof body.message, "string", label);
      assert.equal(body.action?.type, "fix", label);
    }
  });
});

Deno.test("an upload stays retrievable for its whole lifetime", async () => {
  await withApp(async (t) => {
    const img = await uploadOk(t, await fixture("portrait.jpg"), "p.jpg");
    t.clock.advance(29 * DAY_MS);
    const res = await t.app.request(`/${img.id}`);
    assert.equal(res.status, 200);
    await res.body?.cancel();
  });
});
