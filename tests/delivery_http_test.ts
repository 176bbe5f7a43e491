import assert from "node:assert/strict";
import { runExpiryJob } from "../src/images/expire_job.ts";
import { fixture, testApp } from "./support/test_app.ts";
import { DAY_MS, expectError, type TestApp, uploadOk, withApp } from "./support/http.ts";
import { streams } from "../domain/streams.ts";

const bytesOf = async (res: Response) => new Uint8Array(await res.arrayBuffer());
const nowSeconds = (t: TestApp) => Math.floor(t.clock.now() / 1000);

async function get(t: TestApp, path: string, headers: Record<string, string> = {}) {
  return await t.app.request(path, { headers });
}

async function blobHashOf(t: TestApp, id: string): Promise<string> {
  const { events } = await t.services.store.readStream(streams.image(id));
  return (events[0].data as { blob: { hash: string } }).blob.hash;
}

// rocket.jpg carries no Exif, so metadata=copyright (the default) leaves it byte for byte.
Deno.test("the link serves the original bytes with caching and safety headers", async () => {
  await withApp(async (t) => {
    const jpg = await fixture("rocket.jpg");
    const img = await uploadOk(t, jpg, "rocket.jpg");
    for (const accept of [undefined, "image/*", "*/*", "image/avif,image/webp,*/*;q=0.8"]) {
      const res = await get(t, `/${img.id}`, accept ? { accept } : {});
      assert.equal(res.status, 200, `Accept: ${accept}`);
      assert.deepEqual(await bytesOf(res), jpg);
      const h = res.headers;
      assert.equal(h.get("content-type"), "image/jpeg");
      assert.equal(h.get("content-length"), String(jpg.length));
      assert.match(h.get("etag") ?? "", /^"[^"]+"$/, "strong, quoted ETag");
      assert.match(h.get("vary") ?? "", /\bAccept\b/i);
      assert.equal(h.get("x-content-type-options"), "nosniff");
      assert.match(h.get("content-security-policy") ?? "", /\bsandbox\b/);
      const cc = h.get("cache-control") ?? "";
      const maxAge = Number(/max-age=(\d+)/.exec(cc)?.[1]);
      assert.ok(maxAge > 0 && maxAge <= img.expires_at! - nowSeconds(t), cc);
      assert.doesNotMatch(cc, /immutable/);
    }
  });
});

Deno.test("max-age shrinks as the expiry approaches", async () => {
  await withApp(async (t) => {
    const img = await uploadOk(t, await fixture("portrait.jpg"), "p.jpg");
    t.clock.advance(29 * DAY_MS + 3_600_000);
    const res = await get(t, `/${img.id}`);
    await res.body?.cancel();
    const maxAge = Number(/max-age=(\d+)/.exec(res.headers.get("cache-control") ?? "")?.[1]);
    assert.ok(maxAge <= img.expires_at! - nowSeconds(t), `max-age ${maxAge}`);
    assert.ok(maxAge <= DAY_MS / 1000);
  });
});

Deno.test("If-None-Match with the ETag gets 304 with no body", async () => {
  await withApp(async (t) => {
    const img = await uploadOk(t, await fixture("portrait.jpg"), "p.jpg");
    const first = await get(t, `/${img.id}`);
    await first.body?.cancel();
    const etag = first.headers.get("etag")!;
    for (const inm of [etag, `W/${etag}`, `"other", ${etag}`]) {
      const res = await get(t, `/${img.id}`, { "if-none-match": inm });
      assert.equal(res.status, 304, inm);
      assert.equal(await res.text(), "");
      assert.equal(res.headers.get("etag"), etag);
    }
    const miss = await get(t, `/${img.id}`, { "if-none-match": '"nope"' });
    assert.equal(miss.status, 200);
    await miss.body?.cancel();
  });
});

Deno.test("/{id}.jpg and /{id}.jpeg serve the bytes even to a browser", async () => {
  await withApp(async (t) => {
    const jpg = await fixture("rocket.jpg");
    const img = await uploadOk(t, jpg, "p.jpg");
    for (const path of [`/${img.id}.jpg`, `/${img.id}.jpeg`, `/${img.id}.JPG`]) {
      const res = await get(t, path, { accept: "text/html,*/*;q=0.8" });
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get("content-type"), "image/jpeg");
      assert.deepEqual(await bytesOf(res), jpg);
    }
  });
});

Deno.test("an unknown parameter, a bad value or an unknown extension is refused, named", async () => {
  await withApp(async (t) => {
    const img = await uploadOk(t, await fixture("portrait.jpg"), "p.jpg");
    const cases: [string, string][] = [
      [`/${img.id}?blur=0`, "blur"],
      [`/${img.id}.jpg?rotate=45`, "rotate"],
      [`/${img.id}?bogus`, "bogus"],
      [`/${img.id}.bmp`, "format"],
      [`/${img.id}.png?format=webp`, "format"],
    ];
    for (const [path, name] of cases) {
      const body = await expectError(await get(t, path), 400, "invalid_transform");
      assert.equal(body.action.field, name, path);
      assert.ok(body.action.hint && body.action.hint.length > 0, path);
    }
    await expectError(await get(t, `/${img.id}.jpg?w=100`), 403, "invalid_signature");
  });
});

Deno.test("a browser gets a viewer page with Open Graph tags, caption and download link", async () => {
  await withApp(async (t) => {
    const img = await uploadOk(t, await fixture("portrait.jpg"), "p.jpg", {
      caption: "Astronaut <portrait>",
      author: "NASA",
    });
    const res = await get(t, `/${img.id}`, { accept: "text/html,application/xhtml+xml" });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
    assert.match(res.headers.get("vary") ?? "", /\bAccept\b/i);
    const html = await res.text();
    const file = `http://img.test/${img.id}.jpg`;
    assert.ok(html.includes(`<meta property="og:image" content="${file}"`), "og:image absolute");
    assert.ok(html.includes(`<meta property="og:image:width" content="512"`));
    assert.ok(html.includes(`<meta property="og:image:height" content="512"`));
    assert.match(html, /<meta name="twitter:card" content="summary_large_image"/);
    assert.ok(html.includes("Astronaut &lt;portrait&gt;"), "caption, escaped");
    assert.ok(!html.includes("<portrait>"), "caption is not raw HTML");
    assert.ok(html.includes("NASA"), "attribution");
    assert.match(html, new RegExp(`<a href="${file}" download`));
  });
});

Deno.test("an unknown id is a 404 not_found", async () => {
  await withApp(async (t) => {
    await expectError(await get(t, "/abcdefghij"), 404, "not_found");
    await expectError(await get(t, "/abcdefghij.jpg"), 404, "not_found");
  });
});

Deno.test("a malformed id or a stray file name is a 404, not a validation error", async () => {
  await withApp(async (t) => {
    for (
      const path of ["/abc", "/abcdefghijk", "/abc-defghi", "/robots.txt", "/apple-touch-icon.png"]
    ) {
      await expectError(await get(t, path), 404, "not_found");
    }
  });
});

Deno.test("an image past its expiry answers 410 before the expiry job has run", async () => {
  await withApp(async (t) => {
    const img = await uploadOk(t, await fixture("portrait.jpg"), "p.jpg");
    t.clock.advance(31 * DAY_MS);
    await expectError(await get(t, `/${img.id}`), 410, "gone");
    await expectError(await get(t, `/${img.id}.jpg`), 410, "gone");
    const page = await get(t, `/${img.id}`, { accept: "text/html" });
    assert.equal(page.status, 410);
    assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
    assert.match(await page.text(), /gone/i);
  });
});

Deno.test("the expiry job expires a due image once and deletes its blob", async () => {
  await withApp(async (t) => {
    const img = await uploadOk(t, await fixture("portrait.jpg"), "p.jpg");
    const hash = await blobHashOf(t, img.id);
    assert.ok(await t.services.blobs.stat(hash));

    const early = await runExpiryJob(t.services, { nowMs: t.clock.now() });
    assert.equal(early.expired, 0);

    t.clock.advance(31 * DAY_MS);
    const first = await runExpiryJob(t.services, { nowMs: t.clock.now() });
    assert.equal(first.expired, 1);
    assert.equal(first.blobsDeleted, 1);
    assert.deepEqual(first.failed, []);
    const again = await runExpiryJob(t.services, { nowMs: t.clock.now() });
    assert.equal(again.expired, 0);

    const { events } = await t.services.store.readStream(streams.image(img.id));
    assert.deepEqual(events.map((e) => e.type), ["ImageUploaded", "ImageExpired"]);
    assert.equal(await t.services.blobs.stat(hash), null);
    await expectError(await get(t, `/${img.id}`), 410, "gone");
  });
});

Deno.test("expiring one of two images with the same bytes keeps the other serving", async () => {
  await withApp(async (t) => {
    const jpg = await fixture("rocket.jpg");
    const short = await uploadOk(t, jpg, "a.jpg", { ttl: "1d" });
    const long = await uploadOk(t, jpg, "b.jpg");
    const hash = await blobHashOf(t, short.id);
    assert.equal(await blobHashOf(t, long.id), hash);

    t.clock.advance(2 * DAY_MS);
    const report = await runExpiryJob(t.services, { nowMs: t.clock.now() });
    assert.deepEqual([report.expired, report.blobsDeleted], [1, 0]);
    assert.ok(await t.services.blobs.stat(hash), "blob still referenced");
    await expectError(await get(t, `/${short.id}`), 410, "gone");
    const res = await get(t, `/${long.id}`);
    assert.equal(res.status, 200);
    assert.deepEqual(await bytesOf(res), jpg);

    t.clock.advance(29 * DAY_MS);
    const last = await runExpiryJob(t.services, { nowMs: t.clock.now() });
    assert.deepEqual([last.expired, last.blobsDeleted], [1, 1]);
    assert.equal(await t.services.blobs.stat(hash), null);
  });
});

Deno.test("images survive a restart of the service over the same KV file", async () => {
  const dir = "./data/test-tmp";
  await Deno.mkdir(dir, { recursive: true });
  const path = `${dir}/restart-${crypto.randomUUID()}.kv`;
  const jpg = await fixture("rocket.jpg");
  try {
    const kv1 = await Deno.openKv(path);
    let img;
    try {
      const t1 = await testApp({}, { kv: kv1 });
      try {
        img = await uploadOk(t1, jpg, "p.jpg", { caption: "kept" });
      } finally {
        t1.close();
      }
    } finally {
      kv1.close();
    }

    const kv2 = await Deno.openKv(path);
    try {
      const t2 = await testApp({}, { kv: kv2 });
      try {
        const res = await get(t2, `/${img.id}`);
        assert.equal(res.status, 200);
        assert.deepEqual(await bytesOf(res), jpg);
        const page = await get(t2, `/${img.id}`, { accept: "text/html" });
        assert.match(await page.text(), /kept/);
      } finally {
        t2.close();
      }
    } finally {
      kv2.close();
    }
  } finally {
    for (const f of [path, `${path}-shm`, `${path}-wal`]) {
      await Deno.remove(f).catch(() => {});
    }
    await Deno.remove(dir).catch(() => {}); // only if no other test left files there
  }
});

Deno.test("GET /healthz reports liveness and the version", async () => {
  await withApp(async (t) => {
    const res = await get(t, "/healthz");
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { ok: true, version: "test" });
  });
});

Deno.test("an image expired by another process answers 410 at once, not 500, despite the local cache", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    await withApp(
      async (server) => {
        const bytes = await fixture("rocket.jpg");
        const image = await uploadOk(server, bytes, "rocket.jpg");
        const path = new URL(image.link).pathname;
        const first = await server.app.request(path);
        assert.equal(first.status, 200);
        await first.body?.cancel();
        await withApp(
          async (task) => {
            task.clock.advance(31 * DAY_MS);
            const report = await runExpiryJob(task.services, { nowMs: task.clock.now() });
            assert.equal(report.blobsDeleted, 1);
          },
          {},
          { kv },
        );
        // A rendition this isolate has not cached needs the deleted original.
        const after = await server.app.request(`${path}?blur=3`);
        assert.equal(after.status, 410);
        assert.equal((await after.json()).error, "gone");
      },
      {},
      { kv },
    );
  } finally {
    kv.close();
  }
});

Deno.test("an image whose bytes are gone from the store is a 503 that still carries the image's CORS and safety headers", async () => {
  await withApp(async (t) => {
    const img = await uploadOk(t, await fixture("rocket.jpg"), "rocket.jpg");
    const hash = await blobHashOf(t, img.id);
    // Removed behind the service's back: nothing references it as far as this delete knows.
    assert.ok(
      await t.services.blobs.delete(hash, () => Promise.resolve(false), t.clock.now() + DAY_MS),
    );
    for (const path of [`/${img.id}.jpg`, `/${img.id}.webp?size=s`]) {
      const res = await get(t, path);
      await expectError(res, 503, "store_unavailable", "retry");
      const h = res.headers;
      // A page elsewhere that draws the image can read why it failed, and retry.
      assert.equal(h.get("access-control-allow-origin"), "*", path);
      assert.equal(h.get("x-content-type-options"), "nosniff", path);
      assert.match(h.get("content-security-policy") ?? "", /\bsandbox\b/, path);
      assert.equal(h.get("cache-control"), "no-store", "an error is never cached");
    }
  });
});
