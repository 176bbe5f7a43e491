import assert from "node:assert/strict";
import { thumbHashToRGBA } from "thumbhash";
import { decodePixels, encodePng } from "../src/codecs/mod.ts";
import { backfillPlaceholders } from "../src/images/backfill_placeholders.ts";
import { toUnixSeconds } from "../src/clock.ts";
import { eventTypes } from "./support/accounts.ts";
import { type ImageJson, type TestApp, uploadOk, withApp } from "./support/http.ts";
import { assertReplayClean } from "./support/isolates.ts";
import { rotatedRocket } from "./support/images.ts";
import { fixture, testApp } from "./support/test_app.ts";
import { streams } from "../domain/streams.ts";

type WithPlaceholders = ImageJson & {
  thumbhash: string;
  dominant_color: string;
  sizes: Record<"s" | "m" | "l" | "social", string>;
};

const thumb = (b64: string) => thumbHashToRGBA(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));

function assertAspect(hash: string, width: number, height: number) {
  const img = thumb(hash);
  const want = width / height;
  assert.ok(
    Math.abs(Math.log(img.w / img.h / want)) < 0.2,
    `thumbhash decodes to ${img.w}x${img.h}, the image is ${width}x${height}`,
  );
}

async function solidPng(width: number, height: number, rgb: [number, number, number]) {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i += 4) data.set([...rgb, 255], i);
  return await encodePng({ width, height, data });
}

async function pixelsOf(t: TestApp, url: string) {
  const res = await t.app.request(url.replace("http://img.test", ""), {
    headers: { accept: "image/*" },
  });
  assert.equal(res.status, 200, url);
  const format = res.headers.get("content-type")!.slice(6) as "png" | "jpeg";
  return (await decodePixels(new Uint8Array(await res.arrayBuffer()), format))[0];
}

Deno.test("an upload's image object has a thumbhash of its aspect, its dominant colour and size links", async () => {
  await withApp(async (t) => {
    const cat = await uploadOk(t, await fixture("cat.png"), "cat.png") as WithPlaceholders;
    assert.deepEqual([cat.width, cat.height], [451, 300]);
    assertAspect(cat.thumbhash, 451, 300);
    assert.match(cat.dominant_color, /^#[0-9a-f]{6}$/);

    const wide = await uploadOk(t, await solidPng(240, 60, [18, 52, 86]), "w.png");
    const w = wide as WithPlaceholders;
    assert.equal(w.dominant_color, "#123456");
    assertAspect(w.thumbhash, 240, 60);
    const centre = thumb(w.thumbhash);
    const mid = ((centre.h >> 1) * centre.w + (centre.w >> 1)) * 4;
    assert.ok(Math.abs(centre.rgba[mid + 2] - 86) <= 12, "the placeholder shows the colour");

    const svg = new TextEncoder().encode(
      '<svg xmlns="http://www.w3.org/2000/svg" width="50" height="150">' +
        '<rect width="50" height="150" fill="#ff8000"/></svg>',
    );
    const s = await uploadOk(t, svg, "tall.svg") as WithPlaceholders;
    assert.equal(s.dominant_color, "#ff8000");
    assertAspect(s.thumbhash, 50, 150);

    // The same fields on every read of the image, and the size links work as named.
    const read = await (await t.app.request(`/v1/images/${cat.id}`)).json();
    assert.equal(read.thumbhash, cat.thumbhash);
    assert.equal(read.dominant_color, cat.dominant_color);
    assert.deepEqual(read.sizes, cat.sizes);
    const social = await pixelsOf(t, cat.sizes.social);
    assert.deepEqual([social.width, social.height], [1200, 630]);
    const small = await pixelsOf(
      t,
      (await uploadOk(t, await fixture("portrait.png"), "p.png") as WithPlaceholders).sizes.s,
    );
    assert.equal(Math.min(small.width, small.height), 320);
    await assertReplayClean(t);
  });
});

Deno.test("the thumbhash has the displayed aspect of a JPEG turned by its EXIF orientation", async () => {
  await withApp(async (t) => {
    const plain = await uploadOk(t, await fixture("rocket.jpg"), "r.jpg") as WithPlaceholders;
    assertAspect(plain.thumbhash, 640, 427);
    const turned = await uploadOk(t, await rotatedRocket(), "r.jpg") as WithPlaceholders;
    assert.deepEqual([turned.width, turned.height], [427, 640]);
    assertAspect(turned.thumbhash, 427, 640);
  });
});

Deno.test("an SVG a pixel thin, tall or wide, still gets its placeholders", async () => {
  await withApp(async (t) => {
    const svg = (w: number, h: number, fill: string) =>
      new TextEncoder().encode(
        `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">` +
          `<rect width="${w}" height="${h}" fill="${fill}"/></svg>`,
      );
    const tall = await uploadOk(t, svg(1, 1000, "#ff0000"), "t.svg") as WithPlaceholders;
    assert.equal(tall.dominant_color, "#ff0000");
    assert.ok(thumb(tall.thumbhash).h > thumb(tall.thumbhash).w, "taller than wide");
    const wide = await uploadOk(t, svg(4000, 1, "#0000ff"), "w.svg") as WithPlaceholders;
    assert.equal(wide.dominant_color, "#0000ff");
    assert.ok(thumb(wide.thumbhash).w > thumb(wide.thumbhash).h, "wider than tall");
  });
});

/** An image as stored before placeholders existed: its ImageUploaded has none. */
async function legacyImage(t: TestApp, id: string, bytes: Uint8Array, size: [number, number]) {
  const at = t.clock.now();
  const blob = await t.services.blobs.put(bytes, at);
  await t.services.runtime.send(streams.image(id), {
    type: "UploadImage",
    now: toUnixSeconds(at),
    anonRetentionSeconds: t.services.config.limits.anonRetentionSeconds,
    image: {
      id,
      source: "upload",
      owner: null,
      client: "legacy",
      blob: { hash: blob.hash, size: blob.size },
      format: "png",
      extension: "png",
      mime: "image/png",
      width: size[0],
      height: size[1],
      frames: 1,
    },
  }, {
    meta: { at, actor: "anon:legacy", command_id: `c-${id}`, correlation_id: `c-${id}` },
    guards: blob.guards,
  });
}

Deno.test("the backfill gives older images the placeholders ingest would, once; replay stays clean", async () => {
  await withApp(async (t) => {
    const cat = await fixture("cat.png");
    await legacyImage(t, "Legacy0001", cat, [451, 300]);
    await legacyImage(t, "Legacy0002", await solidPng(30, 90, [255, 255, 255]), [30, 90]);
    const before = await (await t.app.request("/v1/images/Legacy0001")).json();
    assert.equal(before.thumbhash, undefined);
    assert.ok(before.sizes, "size links need no backfill");
    const fresh = await uploadOk(t, cat, "cat.png") as WithPlaceholders;

    const dry = await backfillPlaceholders(t.services, { dryRun: true });
    assert.deepEqual([dry.computed, dry.present], [2, 1]);
    assert.equal(
      (await eventTypes(t, streams.image("Legacy0001"))).length,
      1,
      "a dry run appends nothing",
    );

    const report = await backfillPlaceholders(t.services);
    assert.deepEqual(report, { scanned: 3, computed: 2, present: 1, ended: 0, failed: [] });
    const after = await (await t.app.request("/v1/images/Legacy0001")).json();
    assert.equal(after.thumbhash, fresh.thumbhash, "the same bytes give the same thumbhash");
    assert.equal(after.dominant_color, fresh.dominant_color);
    assert.equal(
      (await (await t.app.request("/v1/images/Legacy0002")).json()).dominant_color,
      "#ffffff",
    );
    assert.deepEqual(await eventTypes(t, streams.image("Legacy0001")), [
      "ImageUploaded",
      "ImagePlaceholdersComputed",
    ]);

    const again = await backfillPlaceholders(t.services);
    assert.deepEqual([again.computed, again.present], [0, 3]);
    assert.equal(
      (await eventTypes(t, streams.image("Legacy0001"))).length,
      2,
      "nothing appended twice",
    );
    await assertReplayClean(t);
  });
});

Deno.test("deno task backfill runs with the task's own permissions on a file KV", async () => {
  await Deno.mkdir("./data", { recursive: true });
  const path = `./data/backfill-test-${crypto.randomUUID()}.kv`;
  try {
    const kv = await Deno.openKv(path);
    const t = await testApp({}, { kv });
    try {
      await legacyImage(t, "Legacy0003", await fixture("cat.png"), [451, 300]);
    } finally {
      t.close();
      kv.close();
    }
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["task", "backfill"],
      env: { KV_PATH: path, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const report = JSON.parse(stdout.trim().split("\n").at(-1)!);
    assert.equal(report.computed, 1);
    assert.deepEqual(report.failed, []);
    const kv2 = await Deno.openKv(path);
    const t2 = await testApp({}, { kv: kv2 });
    try {
      const doc = await t2.services.queries.get("Legacy0003");
      assert.match(doc?.thumbhash ?? "", /^[A-Za-z0-9+/]+=*$/);
    } finally {
      t2.close();
      kv2.close();
    }
  } finally {
    for (const suffix of ["", "-shm", "-wal"]) await Deno.remove(path + suffix).catch(() => {});
  }
});
