import assert from "node:assert/strict";
import exifr from "exifr";
import { readGifHeader } from "../src/imaging/gif_header.ts";
import { fixture, FIXTURES } from "./support/test_app.ts";
import { pngHeaderOnly, rotatedRocket } from "./support/images.ts";
import { expectError, postUpload, type TestApp, uploadOk, withApp } from "./support/http.ts";
import { avif, bmpFromBmpTs, gradient, icoDib, icoFile, png, webp } from "./support/formats.ts";
import { streams } from "../domain/streams.ts";

const enc = new TextEncoder();
const HTML = enc.encode("<!DOCTYPE html><html><body><script>alert(document.cookie)</script>");
const join = (...parts: Uint8Array[]) => new Uint8Array(parts.flatMap((p) => [...p]));

async function served(t: TestApp, id: string): Promise<{ res: Response; bytes: Uint8Array }> {
  const res = await t.app.request(`/${id}`);
  assert.equal(res.status, 200);
  return { res, bytes: new Uint8Array(await res.arrayBuffer()) };
}

/** The original as stored, before any delivery-time processing. */
async function stored(t: TestApp, id: string): Promise<Uint8Array> {
  const { events } = await t.services.store.readStream(streams.image(id));
  const hash = (events[0].data as { blob: { hash: string } }).blob.hash;
  const blob = await t.services.blobs.read(hash);
  assert.ok(blob);
  return new Uint8Array(await new Response(blob.body).arrayBuffer());
}

/** Each fixture's expected outcome: [extension, width, height] or an error code. */
const EXPECTED: Record<string, [string, number, number] | string> = {
  "alpha.png": ["png", 400, 300],
  "animated.gif": ["gif", 14, 25],
  "cat.png": ["png", 451, 300],
  "coffee.png": ["png", 600, 400],
  "large.jpg": ["jpg", 3640, 2400],
  "photo-exif.jpg": ["jpg", 512, 512],
  "photo.heic": ["jpg", 512, 512],
  "portrait.jpg": ["jpg", 512, 512],
  "portrait.png": ["png", 512, 512],
  "rocket.jpg": ["jpg", 640, 427],
  "transparent.png": ["png", 500, 500],
  "truncated.jpg": "invalid_image",
};

Deno.test("every fixture uploads with its extension and displayed size, or its SPEC error", async () => {
  const names: string[] = [];
  for await (const entry of Deno.readDir(FIXTURES)) {
    if (entry.isFile && entry.name !== "README.md") names.push(entry.name);
  }
  assert.deepEqual(names.sort(), Object.keys(EXPECTED).sort(), "a new fixture needs a row here");
  await withApp(async (t) => {
    for (const name of names) {
      const expected = EXPECTED[name];
      const res = await postUpload(t, await fixture(name), name);
      if (typeof expected === "string") {
        await expectError(res, 422, expected);
        continue;
      }
      const body = await res.json();
      assert.equal(res.status, 201, `${name}: ${JSON.stringify(body)}`);
      assert.deepEqual([body.extension, body.width, body.height], expected, name);
    }
  });
});

Deno.test("generated WebP, AVIF, BMP and ICO upload with their stored extension and size", async () => {
  const ico = icoFile([
    { width: 16, height: 16, bpp: 32, data: icoDib(gradient(16, 16)) },
    { width: 40, height: 30, bpp: 32, data: icoDib(gradient(40, 30)) },
  ]);
  const cases: [string, Uint8Array, string, number, number][] = [
    ["a.webp", await webp(gradient(64, 48, true)), "webp", 64, 48],
    ["a.avif", await avif(gradient(50, 30)), "avif", 50, 30],
    ["a.bmp", bmpFromBmpTs(gradient(33, 21), 24), "png", 33, 21],
    ["a.ico", ico, "png", 40, 30],
    [
      "b.ico",
      icoFile([{ width: 24, height: 24, bpp: 32, data: await png(gradient(24, 24)) }]),
      "png",
      24,
      24,
    ],
  ];
  await withApp(async (t) => {
    for (const [name, bytes, extension, width, height] of cases) {
      const img = await uploadOk(t, bytes, name);
      assert.deepEqual([img.extension, img.width, img.height], [extension, width, height], name);
      const { res, bytes: stored } = await served(t, img.id);
      assert.equal(
        res.headers.get("content-type"),
        `image/${extension === "jpg" ? "jpeg" : extension}`,
      );
      assert.equal(img.filesize, stored.length, `${name}: filesize is the stored bytes`);
    }
  });
});

Deno.test("a JPEG with EXIF orientation 6 reports its displayed size, 427×640", async () => {
  const rotated = await rotatedRocket();
  await withApp(async (t) => {
    const img = await uploadOk(t, rotated, "rotated.jpg");
    assert.deepEqual([img.extension, img.width, img.height], ["jpg", 427, 640]);
  });
});

Deno.test("photo.heic is served as a JPEG; photo-exif.jpg without GPS but with its Copyright", async () => {
  await withApp(async (t) => {
    const heic = await uploadOk(t, await fixture("photo.heic"), "photo.heic");
    const h = await served(t, heic.id);
    assert.equal(h.res.headers.get("content-type"), "image/jpeg");
    assert.deepEqual([...h.bytes.subarray(0, 3)], [0xff, 0xd8, 0xff]);

    const exif = await uploadOk(t, await fixture("photo-exif.jpg"), "photo-exif.jpg");
    const { bytes } = await served(t, exif.id);
    const tags = await exifr.parse(bytes, { gps: true });
    assert.equal(tags.Copyright, "(c) 2024 Example Photographer");
    for (const key of Object.keys(tags)) assert.doesNotMatch(key, /^GPS|latitude|longitude/i);
  });
});

Deno.test("the animated GIF is served with all 24 frames", async () => {
  await withApp(async (t) => {
    const img = await uploadOk(t, await fixture("animated.gif"), "animated.gif");
    const { bytes } = await served(t, img.id);
    assert.equal(readGifHeader(bytes).frames, 24);
  });
});

Deno.test("a JPEG+HTML polyglot is stored without its payload", async () => {
  await withApp(async (t) => {
    const jpeg = await fixture("portrait.jpg");
    const img = await uploadOk(t, join(jpeg, HTML), "polyglot.jpg");
    assert.deepEqual([img.extension, img.width, img.height, img.filesize], [
      "jpg",
      512,
      512,
      jpeg.length,
    ]);
    assert.deepEqual(await stored(t, img.id), jpeg);
    const { bytes } = await served(t, img.id);
    assert.deepEqual([...bytes.subarray(-2)], [0xff, 0xd9], "served bytes end at the EOI");
    assert.doesNotMatch(new TextDecoder().decode(bytes), /<script|DOCTYPE/);
  });
});

Deno.test("a hostile SVG is stored sanitised and served with the sandbox CSP", async () => {
  const svg = enc.encode(
    `<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" ` +
      `xmlns:xlink="http://www.w3.org/1999/xlink" width="120" height="80" onload="alert(1)">` +
      `<script>alert(2)</script><a xlink:href="javascript:alert(3)"><rect width="9" height="9" ` +
      `onclick="alert(4)"/></a><foreignObject><iframe src="https://evil.example"/></foreignObject>` +
      `<image href="https://evil.example/pixel.png"/></svg>`,
  );
  await withApp(async (t) => {
    const img = await uploadOk(t, svg, "logo.svg");
    assert.deepEqual([img.extension, img.width, img.height], ["svg", 120, 80]);
    const { res, bytes } = await served(t, img.id);
    const text = new TextDecoder().decode(bytes);
    assert.doesNotMatch(text, /script|alert|onload|onclick|foreignObject|evil/i);
    assert.match(text, /<rect width="9" height="9"\/>/);
    assert.equal(res.headers.get("content-type"), "image/svg+xml");
    assert.equal(
      res.headers.get("content-security-policy"),
      "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    );
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    assert.equal(img.filesize, bytes.length);
  });
});

Deno.test("bad inputs get their SPEC code in under 3 s, and the server stays healthy", async () => {
  await withApp(async (t) => {
    const timed = async (bytes: Uint8Array, name: string, status: number, code: string) => {
      const started = performance.now();
      const body = await expectError(await postUpload(t, bytes, name), status, code);
      assert.ok(performance.now() - started < 3000, `${name} took too long`);
      return body;
    };
    const started = performance.now();
    const bomb = await timed(pngHeaderOnly(30_000, 30_000), "bomb.png", 422, "image_too_large");
    assert.ok(performance.now() - started < 1000, "the bomb is refused from its header");
    assert.match(bomb.message, /30000x30000/);
    const html = await timed(HTML, "photo.jpg", 415, "unsupported_format");
    assert.match(html.message, /detected: html/);
    const empty = await timed(new Uint8Array(0), "empty.jpg", 422, "invalid_image");
    assert.ok(empty.action.hint);
    await timed(await fixture("truncated.jpg"), "truncated.jpg", 422, "invalid_image");
    await timed((await fixture("photo.heic")).subarray(0, 3000), "cut.heic", 422, "invalid_image");
    await timed(
      enc.encode(`<svg xmlns="http://www.w3.org/2000/svg"><g>`),
      "bad.svg",
      422,
      "invalid_image",
    );

    const health = await t.app.request("/healthz");
    assert.equal(health.status, 200);
    await health.body?.cancel();
    assert.equal((await uploadOk(t, await fixture("cat.png"), "cat.png")).width, 451);
  });
});

Deno.test("one byte over the limit is 413 with a register action; at the limit it is stored", async () => {
  const jpeg = await fixture("portrait.jpg");
  await withApp(async (t) => {
    const over = join(jpeg, new Uint8Array([0]));
    const body = await expectError(
      await postUpload(t, over, "big.jpg"),
      413,
      "file_too_large",
      "register",
    );
    assert.equal(body.action.url, "http://img.test/auth/register?from_cta=api");
    assert.equal((await uploadOk(t, jpeg, "ok.jpg")).filesize, jpeg.length);
  }, { ANON_MAX_BYTES: String(jpeg.length) });
});

Deno.test("an SVG over SVG_MAX_BYTES is 413 with a fix action, below the upload limit", async () => {
  const svg = enc.encode(
    `<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><desc>${
      "x".repeat(2000)
    }</desc></svg>`,
  );
  await withApp(async (t) => {
    const body = await expectError(
      await postUpload(t, svg, "big.svg"),
      413,
      "file_too_large",
      "fix",
    );
    assert.match(body.message, /SVG/);
  }, { SVG_MAX_BYTES: String(svg.length - 1) });
});
