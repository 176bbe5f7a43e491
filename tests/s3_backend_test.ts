import assert from "node:assert/strict";
import { nanoid } from "nanoid";
import { S3BlobBytes } from "../src/blob_store/mod.ts";
import { runExpiryJob } from "../src/images/expire_job.ts";
import { collectBlobs } from "../src/jobs/mod.ts";
import { replay } from "../src/replay/replay.ts";
import { DAY_MS, expectError, postUpload, type TestApp, uploadOk } from "./support/http.ts";
import { noisePng } from "../bench/noise_png.ts";
import { cuttingProxy } from "./support/cutting_proxy.ts";
import { startS3rver } from "./support/s3rver.ts";
import { countCalls } from "./support/spy.ts";
import { fixture, testApp } from "./support/test_app.ts";

const bytesOf = async (res: Response) => new Uint8Array(await res.arrayBuffer());
const noise = (n: number, seed = 7) => {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) out[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  return out;
};
const HOURS_2 = 2 * 3600_000;

async function kvKeys(kv: Deno.Kv, prefix: string) {
  let n = 0;
  for await (const _ of kv.list({ prefix: [prefix] })) n++;
  return n;
}

async function s3App(s3: { env(prefix: string): Record<string, string> }, kv?: Deno.Kv) {
  const prefix = `t-${nanoid(8)}/`;
  return { prefix, t: await testApp(s3.env(prefix), kv ? { kv } : {}) };
}

async function deleteAnon(t: TestApp, img: { delete_url?: string }) {
  const res = await t.app.request(new URL(img.delete_url!).pathname, { method: "DELETE" });
  await res.body?.cancel();
  assert.ok(res.status < 300, `delete answered ${res.status}`);
}

Deno.test("S3 bytes: single and multipart puts, ranged gets across pieces, head and delete", async () => {
  const s3 = await startS3rver();
  try {
    const bytes = new S3BlobBytes({
      endpoint: s3.endpoint,
      region: "us-east-1",
      bucket: "imgpro-test",
      accessKeyId: "S3RVER",
      secretAccessKey: "S3RVER",
      prefix: `unit-${nanoid(6)}/`,
      forcePathStyle: true,
      multipartThreshold: 6 * 1024 * 1024,
      partBytes: 5 * 1024 * 1024,
      getPieceBytes: 1024 * 1024,
    });
    const small = { hash: "a".repeat(64), gen: "g1", size: 1000 };
    const big = { hash: "b".repeat(64), gen: "g1", size: 11 * 1000 * 1000 };
    const smallBytes = noise(small.size, 1);
    const bigBytes = noise(big.size, 2);
    await bytes.put(small, smallBytes);
    await bytes.put(big, bigBytes);
    assert.equal((await bytes.listKeys()).length, 2, "one object per blob, multipart or not");
    assert.equal(await bytes.head(big), big.size);
    assert.equal(await bytes.head({ ...big, gen: "other" }), null);
    assert.deepEqual(await bytesOf(new Response(await bytes.get(small))), smallBytes);
    assert.deepEqual(await bytesOf(new Response(await bytes.get(big))), bigBytes);
    // Crosses two piece boundaries (1 MiB pieces) and ends mid-piece.
    const range = { start: 1_500_000, end: 3_700_001 };
    assert.deepEqual(
      await bytesOf(new Response(await bytes.get(big, range))),
      bigBytes.subarray(range.start, range.end),
    );
    assert.deepEqual(
      await bytesOf(new Response(await bytes.get(small, { start: 990, end: 5000 }))),
      smallBytes.subarray(990),
    );
    assert.equal(await bytes.get({ ...small, gen: "missing" }), null);
    await bytes.delete(big);
    await bytes.delete(big); // deleting what is gone is fine
    assert.equal(await bytes.head(big), null);
    assert.equal((await bytes.listKeys()).length, 1);
  } finally {
    await s3.close();
  }
});

Deno.test("S3 backend: uploads land in the bucket, not KV; delete and GC remove the object", async () => {
  const s3 = await startS3rver();
  const { prefix, t } = await s3App(s3);
  try {
    const objects = s3.bytes(prefix);
    const jpg = await fixture("rocket.jpg");
    const img = await uploadOk(t, jpg, "rocket.jpg") as Awaited<ReturnType<typeof uploadOk>> & {
      delete_url: string;
    };
    assert.equal(t.services.blobs.backend, "s3");
    assert.equal((await objects.listKeys()).length, 1);
    assert.equal(await kvKeys(t.kv, "blob"), 0, "no image bytes in KV");
    const res = await t.app.request(`/${img.id}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-length"), String(jpg.length));
    assert.deepEqual(await bytesOf(res), jpg);
    // A variant is a blob too: it follows the same backend.
    const webp = await t.app.request(`/${img.id}.webp`);
    assert.equal(webp.status, 200);
    await webp.body?.cancel();
    assert.equal((await objects.listKeys()).length, 2);

    await deleteAnon(t, img);
    await expectError(await t.app.request(`/${img.id}`), 410, "gone");
    t.clock.advance(HOURS_2);
    await collectBlobs(t.services, t.clock.now());
    assert.deepEqual(await objects.listKeys(), [], "objects gone after GC");
  } finally {
    t.close();
    await s3.close();
  }
});

Deno.test("S3 backend: expiry removes the object", async () => {
  const s3 = await startS3rver();
  const { prefix, t } = await s3App(s3);
  try {
    const objects = s3.bytes(prefix);
    const img = await uploadOk(t, await fixture("portrait.jpg"), "p.jpg", { ttl: "1d" });
    assert.equal((await objects.listKeys()).length, 1);
    t.clock.advance(2 * DAY_MS);
    const report = await runExpiryJob(t.services, { nowMs: t.clock.now() });
    assert.deepEqual([report.expired, report.blobsDeleted], [1, 1]);
    assert.deepEqual(await objects.listKeys(), []);
    await expectError(await t.app.request(`/${img.id}`), 410, "gone");
  } finally {
    t.close();
    await s3.close();
  }
});

Deno.test("S3 backend: an unreachable store is a 503 retry and leaves no image behind", async () => {
  const s3 = await startS3rver();
  const { prefix, t } = await s3App(s3);
  try {
    const jpg = await fixture("rocket.jpg");
    const kept = await uploadOk(t, jpg, "rocket.jpg");
    await s3.stop();
    const png = await fixture("alpha.png");
    const err = await expectError(
      await postUpload(t, png, "x.png"),
      503,
      "store_unavailable",
      "retry",
    );
    assert.ok(Number(err.action.seconds) > 0);
    // Reading an image whose bytes are out of reach is a 503 too, not a 500 or a broken body.
    const res = await t.app.request(`/${kept.id}`);
    assert.equal(res.status, 503);
    await res.body?.cancel();
    const uploaded: string[] = [];
    for await (const c of t.services.store.readLog()) {
      for (const e of c.events) if (e.type === "ImageUploaded") uploaded.push(e.stream);
    }
    assert.deepEqual(uploaded, [`image-${kept.id}`], "the refused upload recorded nothing");

    await s3.restart();
    const back = await t.app.request(`/${kept.id}`);
    assert.deepEqual(await bytesOf(back), jpg);
    // The half-written generation is found and removed by the collector.
    t.clock.advance(HOURS_2);
    await collectBlobs(t.services, t.clock.now());
    assert.equal(await kvKeys(t.kv, "bgen"), 1, "only the kept image's generation");
    assert.equal((await s3.bytes(prefix).listKeys()).length, 1);
  } finally {
    t.close();
    await s3.close();
  }
});

Deno.test("S3 backend: a restart of both the store and the service keeps everything; CLI replay and gc agree", async () => {
  const s3 = await startS3rver();
  const kvPath = `./data/test-s3-${nanoid(8)}.kv`;
  const prefix = `t-${nanoid(8)}/`;
  const env = { ...s3.env(prefix), KV_PATH: kvPath };
  try {
    const jpg = await fixture("rocket.jpg");
    let kv = await Deno.openKv(kvPath);
    let t = await testApp(env, { kv });
    const img = await uploadOk(t, jpg, "rocket.jpg");
    assert.deepEqual(await bytesOf(await t.app.request(`/${img.id}`)), jpg);
    const variant = await bytesOf(await t.app.request(`/${img.id}.webp`));
    t.close();
    kv.close();
    await s3.stop();
    await s3.restart();

    kv = await Deno.openKv(kvPath);
    t = await testApp(env, { kv });
    const transforms = countCalls(t.services.engine, "transform");
    try {
      assert.deepEqual(await bytesOf(await t.app.request(`/${img.id}`)), jpg);
      assert.deepEqual(await bytesOf(await t.app.request(`/${img.id}.webp`)), variant);
      assert.equal(transforms.count, 0, "the variants came back from the bucket");
      assert.deepEqual((await replay(t.services.store)).differences, []);
    } finally {
      t.close();
      kv.close();
    }

    const cli = async (script: string, ...args: string[]) => {
      const out = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--allow-net",
          "--allow-env",
          "--allow-read",
          "--allow-write=./data",
          script,
          ...args,
        ],
        env: { ...env, NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      return { code: out.code, stdout: new TextDecoder().decode(out.stdout) };
    };
    const rep = await cli("src/cli/replay.ts");
    assert.equal(rep.code, 0, rep.stdout);
    assert.match(rep.stdout, /differences: 0/);
    const gc = await cli(
      "src/cli/gc.ts",
      "--now",
      new Date(Date.now() + 400 * DAY_MS).toISOString(),
    );
    assert.equal(gc.code, 0, gc.stdout);
    assert.equal(JSON.parse(gc.stdout).backend, "s3");
    assert.equal(JSON.parse(gc.stdout).blobs_deleted, 0, "the image still references its blob");
    assert.equal((await s3.bytes(prefix).listKeys()).length, 2);
  } finally {
    for (const suffix of ["", "-shm", "-wal"]) await Deno.remove(kvPath + suffix).catch(() => {});
    await s3.close();
  }
});

Deno.test("S3 backend: the store going away in the middle of an upload is a 503 and leaves nothing", async () => {
  const s3 = await startS3rver();
  const proxy = cuttingProxy(s3.port, 1_000_000);
  const prefix = `t-${nanoid(8)}/`;
  const kv = await Deno.openKv(":memory:");
  const env = { ...s3.env(prefix), S3_ENDPOINT: `http://127.0.0.1:${proxy.port}` };
  const t = await testApp(env, { kv });
  try {
    const png = noisePng(1000, 1000); // ~3 MB: the proxy drops it a third of the way up
    const err = await expectError(
      await postUpload(t, png, "big.png"),
      503,
      "store_unavailable",
      "retry",
    );
    assert.ok(proxy.cut, "the connection was cut mid-body");
    assert.ok(Number(err.action.seconds) > 0);
    assert.equal(await kvKeys(kv, "blobmeta"), 0, "no blob was recorded");
    let events = 0;
    for await (const _ of t.services.store.readLog()) events++;
    assert.equal(events, 0, "no image was recorded");

    // The same KV, the store reachable again: the half-written generation is collected.
    const direct = await testApp(s3.env(prefix), { kv });
    try {
      assert.equal(await kvKeys(kv, "bgen"), 1);
      direct.clock.advance(HOURS_2);
      const gc = await collectBlobs(direct.services, direct.clock.now());
      assert.equal(gc.generations, 1);
      assert.equal(await kvKeys(kv, "bgen"), 0);
      assert.deepEqual(await s3.bytes(prefix).listKeys(), []);
    } finally {
      direct.close();
    }
  } finally {
    t.close();
    kv.close();
    await proxy.close();
    await s3.close();
  }
});

Deno.test("S3 backend: an object deleted behind the service's back is a 503 store_unavailable, never a 500", async () => {
  const s3 = await startS3rver();
  const { prefix, t } = await s3App(s3);
  try {
    const objects = s3.bytes(prefix);
    const img = await uploadOk(t, await fixture("rocket.jpg"), "rocket.jpg");
    for (const key of await objects.listKeys()) {
      const [gen, hash] = key.slice(prefix.length + "blobs/".length).split("/");
      await objects.delete({ hash, gen, size: 0 });
    }
    assert.deepEqual(await objects.listKeys(), []);
    for (const path of [`/${img.id}`, `/${img.id}.webp`]) {
      const res = await t.app.request(path);
      const body = await res.text();
      assert.equal(res.status, 503, `${path} answered ${res.status}: ${body}`);
      assert.equal(JSON.parse(body).error, "store_unavailable");
    }
  } finally {
    t.close();
    await s3.close();
  }
});
