import assert from "node:assert/strict";
import { decodeSource } from "../src/imaging/mod.ts";
import { detectFaces } from "../src/vision/engine.ts";
import { keyedUpload, signUp, withKey } from "./support/accounts.ts";
import { postUpload, type TestApp, uploadOk, withApp } from "./support/http.ts";
import { fixture } from "./support/test_app.ts";

/** The first job starts the Worker and loads its models (and, under deno test, type-checks it). */
const ENV = { SEGMENT_DEADLINE_MS: "60000" };

async function pixels(res: Response) {
  const bytes = new Uint8Array(await res.arrayBuffer());
  const format = res.headers.get("content-type") === "image/jpeg" ? "jpeg" : "png";
  const [img] = await decodeSource(bytes, format);
  const at = (x: number, y: number) => {
    const i = (Math.round(y) * img.width + Math.round(x)) * 4;
    return Array.from(img.data.subarray(i, i + 4));
  };
  return { img, at };
}

const corners = (w: number, h: number): [number, number][] => [
  [2, 2],
  [w - 3, 2],
  [2, h - 3],
  [w - 3, h - 3],
];
/** The portrait's helmet reaches its bottom-right corner: the other corners and the left edge. */
const PORTRAIT_BACKGROUND: [number, number][] = [[2, 2], [509, 2], [2, 509], [4, 256], [480, 120]];

/** A keyed upload of a fixture: its id and the owner's key, who may mint signed links. */
async function ownedUpload(t: TestApp, name: string) {
  const { key } = await signUp(t);
  const { id } = await (await keyedUpload(t, key, await fixture(name), name)).json();
  return { id: id as string, key };
}

/** POST /v1/images/{id}/links with the owner's key: the signed link's path. */
async function signedLink(t: TestApp, key: string, id: string, params: Record<string, unknown>) {
  const res = await withKey(t, key, `/v1/images/${id}/links`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(params),
  });
  assert.equal(res.status, 201);
  return (await res.json()).url.replace("http://img.test", "") as string;
}

async function upload(t: TestApp, name: string) {
  return (await uploadOk(t, await fixture(name), name)).id;
}

Deno.test("portrait: segment=foreground keeps the person opaque and makes the corners transparent", async () => {
  await withApp(async (t) => {
    const id = await upload(t, "portrait.png");
    const res = await t.app.request(`/${id}?segment=foreground`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "image/png");
    assert.equal(res.headers.get("x-segment-method"), "selfie");
    const { img, at } = await pixels(res);
    assert.deepEqual([img.width, img.height], [512, 512]);
    for (const [x, y] of PORTRAIT_BACKGROUND) assert.ok(at(x, y)[3] < 16, `background ${x},${y}`);
    // Face, chest (the orange suit) and the name patch.
    for (const [x, y] of [[225, 125], [150, 380], [300, 355]]) {
      assert.ok(at(x, y)[3] > 240, `person at ${x},${y}: ${at(x, y)}`);
    }
  }, ENV);
});

Deno.test("coffee: the cup and the saucer are kept, the table is not", async () => {
  await withApp(async (t) => {
    const id = await upload(t, "coffee.png");
    const res = await t.app.request(`/${id}.png?segment=foreground`);
    assert.equal(res.status, 200);
    assert.ok(res.headers.get("x-segment-method"));
    const { at } = await pixels(res);
    for (const [x, y] of corners(600, 400)) assert.ok(at(x, y)[3] < 16, `corner ${x},${y}`);
    // Coffee in the cup, the cup's rim, the handle, and the saucer left and right of the cup.
    for (const [x, y] of [[290, 150], [200, 100], [225, 270], [120, 250], [440, 260]]) {
      assert.ok(at(x, y)[3] > 200, `cup or saucer at ${x},${y}: ${at(x, y)}`);
    }
  }, ENV);
});

Deno.test("background=white&format=jpg gives white corners; a second format reuses the cached mask", async () => {
  await withApp(async (t) => {
    const id = await upload(t, "portrait.png");
    const jpg = await t.app.request(`/${id}?segment=foreground&background=white&format=jpg`);
    assert.equal(jpg.status, 200);
    assert.equal(jpg.headers.get("content-type"), "image/jpeg");
    const { at } = await pixels(jpg);
    for (const [x, y] of PORTRAIT_BACKGROUND) {
      assert.ok(at(x, y).slice(0, 3).every((v) => v > 235), `background ${x},${y}: ${at(x, y)}`);
    }
    assert.ok(at(225, 125).slice(0, 3).some((v) => v < 200), "the face is not white");
    assert.equal(t.services.vision.inferences, 1);
    for (const query of ["segment=foreground&format=webp", "segment=foreground&size=s"]) {
      const res = await t.app.request(`/${id}?${query}`);
      assert.equal(res.status, 200, query);
      assert.equal(res.headers.get("x-segment-method"), "selfie");
      await res.body?.cancel();
    }
    // A JPEG without background is flattened onto white, and still no second inference.
    const plain = await t.app.request(`/${id}.jpg?segment=foreground`);
    const flat = await pixels(plain);
    assert.ok(flat.at(3, 3).slice(0, 3).every((v) => v > 235));
    assert.equal(t.services.vision.inferences, 1, "one mask for every output of the image");
  }, ENV);
});

Deno.test("a wide gravity=face crop of the portrait contains the face; a centred one cuts it", async () => {
  await withApp(async (t) => {
    const { id, key } = await ownedUpload(t, "portrait.png");
    const mint = (gravity: string) =>
      signedLink(t, key, id, { w: 600, h: 200, fit: "cover", gravity });
    const faceLink = await mint("face");
    assert.match(faceLink, /gravity=face/);
    const res = await t.app.request(faceLink);
    assert.equal(res.status, 200);
    const { img } = await pixels(res);
    assert.deepEqual([img.width, img.height], [600, 200]);
    const [face] = await detectFaces(img);
    assert.ok(face, "a face is found in the face crop");
    assert.ok(face.x >= 0 && face.y >= 0, JSON.stringify(face));
    assert.ok(face.x + face.width <= 600 && face.y + face.height <= 200, JSON.stringify(face));
    assert.ok(Math.abs(face.x + face.width / 2 - 300) < 60, `centred: ${JSON.stringify(face)}`);

    // Another size of the same image reuses the cached face boxes.
    const square = await t.app.request(
      await signedLink(t, key, id, { w: 150, h: 150, fit: "cover", gravity: "face" }),
    );
    assert.equal(square.status, 200);
    await square.body?.cancel();
    assert.equal(t.services.vision.faceDetections, 1);

    const centred = await t.app.request(await mint("center"));
    const faces = await detectFaces((await pixels(centred)).img);
    assert.equal(faces.length, 0, "the centred crop cuts through the face");
  }, ENV);
});

Deno.test("a square gravity=face crop of the square portrait zooms to the face instead of serving the whole frame", async () => {
  await withApp(async (t) => {
    const { id, key } = await ownedUpload(t, "portrait.png");
    const crop = await t.app.request(
      await signedLink(t, key, id, { w: 200, h: 200, fit: "cover", gravity: "face" }),
    );
    assert.equal(crop.status, 200);
    const { img } = await pixels(crop);
    assert.deepEqual([img.width, img.height], [200, 200]);
    const [inCrop] = await detectFaces(img);
    const [inSource] = await detectFaces((await pixels(await t.app.request(`/${id}.png`))).img);
    assert.ok(inCrop && inSource, "a face in both");
    // The whole 512 px frame resized to 200 would show the face at 200/512 of its height.
    const zoom = inCrop.height / (inSource.height * 200 / 512);
    assert.ok(zoom > 1.5, `the face is only ${zoom.toFixed(2)}x the whole frame's`);
    assert.ok(
      Math.abs(inCrop.x + inCrop.width / 2 - 100) < 30,
      `centred: ${JSON.stringify(inCrop)}`,
    );
  }, ENV);
});

Deno.test("gravity=face without a face falls back to auto; without a signature it is refused", async () => {
  await withApp(async (t) => {
    const { id, key } = await ownedUpload(t, "rocket.jpg");
    const url = await signedLink(t, key, id, { w: 200, h: 200, fit: "crop", gravity: "face" });
    const served = await t.app.request(url);
    assert.equal(served.status, 200);
    assert.deepEqual([(await pixels(served)).img.width], [200]);
    const unsigned = await t.app.request(`/${id}?w=200&h=200&fit=crop&gravity=face`);
    assert.equal(unsigned.status, 403);
    await unsigned.body?.cancel();
    const bad = await t.app.request(`/${id}?segment=background`);
    assert.equal(bad.status, 400);
    const body = await bad.json();
    assert.equal(body.error, "invalid_transform");
    assert.equal(body.action.field, "segment");
  }, ENV);
});

Deno.test("deleting the last image of a blob deletes its cached mask; another image of that blob keeps it", async () => {
  await withApp(async (t) => {
    const bytes = await fixture("portrait.png");
    const visionEntries = async () => {
      let n = 0;
      for await (const e of t.kv.list({ prefix: ["variant"] })) {
        if (String(e.key[1]).startsWith("vision:")) n++;
      }
      return n;
    };
    const a = (await postUpload(t, bytes, "a.png").then((r) => r.json())) as {
      id: string;
      delete_url: string;
    };
    const b = (await postUpload(t, bytes, "b.png").then((r) => r.json())) as {
      id: string;
      delete_url: string;
    };
    const res = await t.app.request(`/${a.id}?segment=foreground`);
    assert.equal(res.status, 200);
    await res.body?.cancel();
    assert.equal(await visionEntries(), 1);
    const del = (img: { delete_url: string }) =>
      t.app.request(img.delete_url, { method: "DELETE", headers: { origin: "http://img.test" } });
    assert.equal((await del(a)).status, 204);
    assert.equal(await visionEntries(), 1, "b shows the same blob: its mask stays");
    assert.equal((await del(b)).status, 204);
    assert.equal(await visionEntries(), 0, "no image shows the blob: its mask is gone");
  }, ENV);
});

Deno.test("past the deadline a mask request is 503 overloaded with Retry-After; the retry is served", async () => {
  await withApp(async (t) => {
    const id = await upload(t, "cat.png");
    const first = await t.app.request(`/${id}?segment=foreground`);
    assert.equal(first.status, 503);
    assert.ok(Number(first.headers.get("retry-after")) >= 1);
    assert.equal((await first.json()).error, "overloaded");
    // The job goes on in the Worker and stores its mask.
    while (t.services.vision.inferences === 0) await new Promise((r) => setTimeout(r, 50));
    const retry = await t.app.request(`/${id}?segment=foreground`);
    assert.equal(retry.status, 200);
    await retry.body?.cancel();
    assert.equal(t.services.vision.inferences, 1);
  }, { SEGMENT_DEADLINE_MS: "100" });
});

Deno.test("the request thread stays responsive while a mask is computed", async () => {
  await withApp(async (t) => {
    const id = await upload(t, "coffee.png");
    const doc = (await t.services.queries.getForDelivery(id))!;
    // The mask job alone (GrabCut here: the slowest method) runs in the Worker.
    let worst = 0, last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      worst = Math.max(worst, now - last - 10);
      last = now;
    }, 10);
    const started = performance.now();
    const { method } = await t.services.vision.mask(doc);
    const took = performance.now() - started;
    clearInterval(timer);
    assert.equal(method, "grabcut");
    // Generous: the machine is shared, and the first job also starts the Worker.
    assert.ok(
      worst < 250,
      `event-loop lag ${worst.toFixed(0)} ms during a ${took.toFixed(0)} ms mask`,
    );

    // And /healthz answers while a whole request (mask of another image, then the encode) runs.
    const other = await upload(t, "cat.png");
    const request = Promise.resolve(t.app.request(`/${other}.webp?segment=foreground`));
    let done = false;
    request.finally(() => (done = true));
    const health: number[] = [];
    while (!done) {
      const s = performance.now();
      const h = await t.app.request("/healthz");
      assert.equal(h.status, 200);
      await h.body?.cancel();
      health.push(performance.now() - s);
      await new Promise((r) => setTimeout(r, 20));
    }
    const res = await request;
    assert.equal(res.status, 200);
    await res.body?.cancel();
    assert.ok(health.length >= 3, `healthz answered ${health.length} times`);
    assert.ok(Math.max(...health) < 1000, `healthz took up to ${Math.max(...health)} ms`);
  }, ENV);
});

Deno.test("an animated GIF is segmented on its first frame", async () => {
  await withApp(async (t) => {
    const id = await upload(t, "animated.gif");
    const res = await t.app.request(`/${id}?segment=foreground`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "image/png");
    const { img } = await pixels(res);
    assert.deepEqual([img.width, img.height], [14, 25]);
  }, ENV);
});

Deno.test("a full vision queue is 503 overloaded with Retry-After at once", async () => {
  await withApp(async (t) => {
    const a = await upload(t, "coffee.png");
    const b = await upload(t, "cat.png");
    const first = Promise.resolve(t.app.request(`/${a}?segment=foreground`));
    // Let the first request reach the Worker's queue.
    while (t.services.vision.pending === 0) await new Promise((r) => setTimeout(r, 5));
    const second = await t.app.request(`/${b}?segment=foreground`);
    assert.equal(second.status, 503);
    assert.ok(Number(second.headers.get("retry-after")) >= 1);
    assert.equal((await second.json()).error, "overloaded");
    const done = await first;
    assert.equal(done.status, 200);
    await done.body?.cancel();
  }, { ...ENV, SEGMENT_QUEUE: "1" });
});
