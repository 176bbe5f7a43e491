import assert from "node:assert/strict";
import { decodeAvif, decodePixels, decodeWebp } from "../src/codecs/mod.ts";
import { runExpiryJob } from "../src/images/expire_job.ts";
import { parseTransformQuery, signedQuery } from "../src/delivery/mod.ts";
import { DAY_MS, expectError, type TestApp, uploadOk, withApp } from "./support/http.ts";
import { exifBlocks, gifFrames, ifd0 } from "./support/jpeg_inspect.ts";
import { countCalls } from "./support/spy.ts";
import { fixture } from "./support/test_app.ts";

const SECRET = "test-secret-test-secret-test-secret!";
const bytesOf = async (res: Response) => new Uint8Array(await res.arrayBuffer());

async function ok(t: TestApp, path: string, headers: Record<string, string> = {}) {
  const res = await t.app.request(path, { headers });
  if (res.status !== 200) assert.fail(`${path}: ${res.status} ${await res.text()}`);
  return res;
}

/** Decodes served bytes with the codec its Content-Type names; the first frame's size. */
async function decoded(
  res: Response,
): Promise<{ width: number; height: number; data: Uint8Array }> {
  const bytes = await bytesOf(res);
  switch (res.headers.get("content-type")) {
    case "image/jpeg":
      return (await decodePixels(bytes, "jpeg"))[0];
    case "image/png":
      return (await decodePixels(bytes, "png"))[0];
    case "image/gif":
      return (await decodePixels(bytes, "gif"))[0];
    // ImageData-like results: width and height are getters, so they are copied by name.
    case "image/webp": {
      const img = await decodeWebp(bytes);
      return { width: img.width, height: img.height, data: new Uint8Array(img.data) };
    }
    case "image/avif": {
      const img = await decodeAvif(bytes);
      return { width: img.width, height: img.height, data: new Uint8Array(img.data) };
    }
  }
  throw new Error(`unexpected type ${res.headers.get("content-type")}`);
}

const sizeOf = async (res: Response) => {
  const { width, height } = await decoded(res);
  return [width, height];
};

function paramsOf(query: string) {
  const out: Record<string, string[]> = {};
  for (const [k, v] of new URLSearchParams(query)) (out[k] ??= []).push(v);
  return parseTransformQuery(out).params;
}

Deno.test("named sizes have the right dimensions", async () => {
  await withApp(async (t) => {
    const img = await uploadOk(t, await fixture("large.jpg"), "large.jpg");
    const cases: [string, number[]][] = [
      ["size=s", [485, 320]],
      ["size=m", [971, 640]],
      ["size=l", [1638, 1080]],
      ["size=social", [1200, 630]],
    ];
    for (const [query, want] of cases) {
      assert.deepEqual(await sizeOf(await ok(t, `/${img.id}?${query}`)), want, query);
    }
  });
});

Deno.test("every output format decodes back, at the right size; /{id}.webp is format=webp", async () => {
  await withApp(async (t) => {
    const img = await uploadOk(t, await fixture("portrait.jpg"), "p.jpg");
    for (const format of ["jpg", "webp", "avif", "png", "gif"]) {
      const res = await ok(t, `/${img.id}?format=${format}&size=s`);
      assert.equal(res.headers.get("content-type"), `image/${format === "jpg" ? "jpeg" : format}`);
      assert.deepEqual(await sizeOf(res), [320, 320], format);
    }
    const byExt = await ok(t, `/${img.id}.webp`);
    const byParam = await ok(t, `/${img.id}?format=webp`);
    assert.equal(byExt.headers.get("etag"), byParam.headers.get("etag"));
    assert.deepEqual(await bytesOf(byExt), await bytesOf(byParam));
    assert.match(byExt.headers.get("content-disposition") ?? "", /\.webp"/);
  });
});

Deno.test("a 24-frame GIF stays 24 frames with its delays through rotate=90&format=gif", async () => {
  await withApp(async (t) => {
    const img = await uploadOk(t, await fixture("animated.gif"), "a.gif");
    const res = await ok(t, `/${img.id}?rotate=90&format=gif`);
    const gif = await bytesOf(res);
    const { frames, delays } = gifFrames(gif);
    assert.equal(frames, 24);
    assert.deepEqual(delays, new Array(24).fill(7));
    const all = await decodePixels(gif, "gif", { allFrames: true });
    assert.equal(all.length, 24);
    assert.deepEqual([all[0].width, all[0].height], [25, 14]);
    // Other formats take the first frame.
    assert.deepEqual(await sizeOf(await ok(t, `/${img.id}.png?rotate=90`)), [25, 14]);
  });
});

Deno.test("metadata modes keep exactly what they say", async () => {
  await withApp(async (t) => {
    const img = await uploadOk(t, await fixture("photo-exif.jpg"), "exif.jpg");
    const stored = exifBlocks(await bytesOf(await ok(t, `/${img.id}?metadata=keep`)));
    const tagsOf = async (query: string) => {
      const blocks = exifBlocks(await bytesOf(await ok(t, `/${img.id}${query}`)));
      return blocks.map(ifd0);
    };
    const copyright = {
      Artist: "Example Photographer",
      Copyright: "(c) 2024 Example Photographer",
    };
    assert.deepEqual(await tagsOf(""), [copyright], "a plain link");
    assert.deepEqual(await tagsOf("?size=s"), [copyright], "a transform");
    assert.deepEqual(await tagsOf("?metadata=none"), []);
    assert.deepEqual(await tagsOf("?metadata=none&size=s"), []);
    // keep: everything the upload stored. Pixels turned upright carry Orientation 1.
    assert.equal(stored.length, 1);
    const kept: Record<string, string | number>[] = await tagsOf("?metadata=keep&size=s");
    assert.equal(kept[0].Make, "Canon");
    assert.deepEqual(kept, [{ ...ifd0(stored[0]), Orientation: 1 }]);
  });
});

Deno.test("EXIF orientation is applied: photo-exif.jpg comes out turned clockwise", async () => {
  await withApp(async (t) => {
    const plain = await uploadOk(t, await fixture("portrait.jpg"), "p.jpg");
    const turned = await uploadOk(t, await fixture("photo-exif.jpg"), "e.jpg");
    const a = await decoded(await ok(t, `/${plain.id}.png?rotate=90`));
    const b = await decoded(await ok(t, `/${turned.id}.png`));
    let diff = 0;
    for (let i = 0; i < a.data.length; i += 4) diff += Math.abs(a.data[i] - b.data[i]);
    assert.ok(diff / (a.data.length / 4) < 8, `mean difference ${diff / (a.data.length / 4)}`);
  });
});

Deno.test("bad values get 400 naming the parameter; unsigned resizes get 403, signed ones work", async () => {
  await withApp(async (t) => {
    const img = await uploadOk(t, await fixture("coffee.png"), "c.png");
    for (const [query, field] of [["blur=300", "blur"], ["format=tiff", "format"], ["x=1", "x"]]) {
      const body = await expectError(
        await t.app.request(`/${img.id}?${query}`),
        400,
        "invalid_transform",
      );
      assert.equal(body.action.field, field);
      assert.match(body.message, new RegExp(field));
    }
    await expectError(await t.app.request(`/${img.id}?w=100`), 403, "invalid_signature");
    const query = await signedQuery(SECRET, img.id, paramsOf("w=100&h=100&fit=cover"));
    assert.deepEqual(await sizeOf(await ok(t, `/${img.id}?${query}`)), [100, 100]);
    // Free parameters may be added; signed ones may not change.
    assert.deepEqual(await sizeOf(await ok(t, `/${img.id}.webp?${query}&blur=2`)), [100, 100]);
    const tampered = query.replace("w=100", "w=101");
    await expectError(await t.app.request(`/${img.id}?${tampered}`), 403, "invalid_signature");
    const other = await uploadOk(t, await fixture("cat.png"), "cat.png");
    await expectError(await t.app.request(`/${other.id}?${query}`), 403, "invalid_signature");
  });
});

Deno.test("the ETag is the same in any parameter order, and If-None-Match gets 304", async () => {
  await withApp(async (t) => {
    const img = await uploadOk(t, await fixture("rocket.jpg"), "r.jpg");
    const a = await ok(t, `/${img.id}?blur=3&rotate=90&format=webp`);
    await a.body?.cancel();
    const etag = a.headers.get("etag")!;
    assert.match(etag, /^"[^"]+"$/);
    const res = await t.app.request(`/${img.id}?format=webp&rotate=90&blur=3.0`, {
      headers: { "if-none-match": etag },
    });
    assert.equal(res.status, 304);
    assert.equal(await res.text(), "");
    const other = await ok(t, `/${img.id}?blur=4&rotate=90&format=webp`);
    await other.body?.cancel();
    assert.notEqual(other.headers.get("etag"), etag);
    for (const h of ["x-content-type-options", "content-security-policy", "vary"]) {
      assert.ok(a.headers.get(h), h);
    }
    assert.match(a.headers.get("content-security-policy")!, /sandbox/);
  });
});

Deno.test("the second identical request is served from the cache; concurrent ones share one computation", async () => {
  await withApp(async (t) => {
    const img = await uploadOk(t, await fixture("coffee.png"), "c.png");
    const transforms = countCalls(t.services.engine, "transform");
    const first = await bytesOf(await ok(t, `/${img.id}?sharp=3&format=jpg`));
    assert.equal(transforms.count, 1);
    const t0 = performance.now();
    const second = await bytesOf(await ok(t, `/${img.id}?format=jpg&sharp=3`));
    const ms = performance.now() - t0;
    assert.deepEqual(second, first);
    assert.equal(transforms.count, 1, "not computed again");
    assert.ok(ms < 50, `cache hit took ${ms} ms`);
    const burst = await Promise.all(
      Array.from(
        { length: 5 },
        () => Promise.resolve(t.app.request(`/${img.id}?blur=7`)).then(bytesOf),
      ),
    );
    assert.equal(transforms.count, 2);
    for (const b of burst) assert.deepEqual(b, burst[0]);
  });
});

Deno.test("transparency: PNG keeps it, JPEG flattens onto white or the background", async () => {
  await withApp(async (t) => {
    const img = await uploadOk(t, await fixture("alpha.png"), "a.png");
    const corner = async (query: string) =>
      (await decoded(await ok(t, `/${img.id}${query}`))).data.slice(0, 4);
    assert.equal((await corner("?size=s"))[3], 0, "PNG keeps the transparent corner");
    assert.deepEqual([...await corner(".jpg")].slice(0, 3).map((v) => v > 245), [true, true, true]);
    const red = [...await corner(".jpg?background=red")];
    assert.ok(red[0] > 240 && red[1] < 15 && red[2] < 15, String(red));
    assert.deepEqual([...await corner("?background=%2300f")], [0, 0, 255, 255]);
  });
});

Deno.test("the viewer page shows the transformed image; og:image carries it and its size", async () => {
  await withApp(async (t) => {
    const img = await uploadOk(t, await fixture("large.jpg"), "large.jpg", { caption: "Strings" });
    const res = await ok(t, `/${img.id}?format=webp&size=s&blur=2`, { accept: "text/html" });
    const html = await res.text();
    const url = `http://img.test/${img.id}.webp?blur=2&amp;size=s`;
    assert.ok(html.includes(`<meta property="og:image" content="${url}"`), html);
    assert.ok(html.includes(`<meta property="og:image:width" content="485"`));
    assert.ok(html.includes(`<meta property="og:image:height" content="320"`));
    assert.ok(html.includes(`<meta property="og:image:type" content="image/webp"`));
    assert.ok(html.includes(`<img src="${url}"`));
    assert.match(html, new RegExp(`<a href="${url.replaceAll("?", "\\?")}" download`));
    const signed = await signedQuery(SECRET, img.id, paramsOf("w=300&h=300&fit=cover"));
    const page = await (await ok(t, `/${img.id}?${signed}`, { accept: "text/html" })).text();
    assert.ok(
      page.includes(`content="http://img.test/${img.id}.jpg?${signed.replaceAll("&", "&amp;")}"`),
    );
    assert.ok(page.includes(`<meta property="og:image:width" content="300"`));
  });
});

Deno.test("expiring an image removes its variants", async () => {
  await withApp(async (t) => {
    const img = await uploadOk(t, await fixture("coffee.png"), "c.png");
    await (await ok(t, `/${img.id}?size=s`)).body?.cancel();
    await (await ok(t, `/${img.id}.webp`)).body?.cancel();
    const count = async () => {
      let n = 0;
      for await (const _ of t.kv.list({ prefix: ["variant", img.id] })) n++;
      return n;
    };
    assert.equal(await count(), 2);
    assert.ok(await t.services.variants.totalBytes() > 0);
    t.clock.advance(31 * DAY_MS);
    await runExpiryJob(t.services, { nowMs: t.clock.now() });
    assert.equal(await count(), 0);
    assert.equal(await t.services.variants.totalBytes(), 0);
    await expectError(await t.app.request(`/${img.id}?size=s`), 410, "gone");
  });
});

Deno.test("past the transform queue a request gets 503 overloaded with Retry-After", async () => {
  await withApp(async (t) => {
    const img = await uploadOk(t, await fixture("large.jpg"), "large.jpg");
    const responses = await Promise.all(
      ["blur=5", "blur=6", "blur=7"].map((q) => t.app.request(`/${img.id}?${q}`)),
    );
    const refused = responses.filter((r) => r.status === 503);
    assert.ok(refused.length >= 1, responses.map((r) => r.status).join(","));
    for (const r of responses) if (r.status === 200) await r.body?.cancel();
    const body = await expectError(refused[0], 503, "overloaded", "retry");
    assert.equal(body.action.seconds, 2);
    assert.equal(refused[0].headers.get("retry-after"), "2");
  }, { TRANSFORM_CONCURRENCY: "1", TRANSFORM_QUEUE: "0" });
});

Deno.test("WebP and SVG originals transform too; a transformed SVG comes out as PNG", async () => {
  await withApp(async (t) => {
    const png = await uploadOk(t, await fixture("coffee.png"), "c.png");
    const webpBytes = await bytesOf(await ok(t, `/${png.id}.webp`));
    const webp = await uploadOk(t, webpBytes, "c.webp");
    assert.equal(webp.extension, "webp");
    assert.deepEqual(await sizeOf(await ok(t, `/${webp.id}?size=s`)), [480, 320]);
    assert.deepEqual(await sizeOf(await ok(t, `/${webp.id}.jpg?rotate=90`)), [400, 600]);

    const svg = new TextEncoder().encode(
      '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50">' +
        '<rect width="100" height="50" fill="#ff0000"/></svg>',
    );
    const vector = await uploadOk(t, svg, "r.svg");
    const plain = await ok(t, `/${vector.id}`);
    assert.equal(plain.headers.get("content-type"), "image/svg+xml");
    assert.match(plain.headers.get("content-security-policy") ?? "", /sandbox/);
    await plain.body?.cancel();
    const query = await signedQuery(SECRET, vector.id, paramsOf("w=400&fit=contain"));
    const big = await ok(t, `/${vector.id}?${query}`);
    assert.equal(big.headers.get("content-type"), "image/png");
    const raster = await decoded(big);
    assert.deepEqual([raster.width, raster.height], [400, 200]);
    assert.deepEqual([...raster.data.subarray(0, 4)], [255, 0, 0, 255]);
  });
});
