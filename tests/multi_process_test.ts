import assert from "node:assert/strict";
import { nanoid } from "nanoid";
import { systemClock } from "../src/clock.ts";
import { loadConfig } from "../src/config.ts";
import { randomIds } from "../src/ids.ts";
import { openKv } from "../src/kv.ts";
import { expiryCron } from "../src/jobs/mod.ts";
import { buildServices } from "../src/services.ts";
import { distinctImage, keyedUpload, signUp, smallImage } from "./support/accounts.ts";
import { postUpload } from "./support/http.ts";
import { startS3rver } from "./support/s3rver.ts";
import { startServer } from "./support/server_process.ts";

const SECRET = "multi-process-test-secret-0123456789";
const bytesOf = async (res: Response) => new Uint8Array(await res.arrayBuffer());

async function removeKv(path: string) {
  for (const suffix of ["", "-shm", "-wal"]) await Deno.remove(path + suffix).catch(() => {});
}

Deno.test("two server processes on one KV file and one bucket behave as one service", async () => {
  const s3 = await startS3rver();
  const kvPath = `./data/test-mp-${nanoid(8)}.kv`;
  const env = {
    ...s3.env(`mp-${nanoid(6)}/`),
    KV_PATH: kvPath,
    SECRET,
    PUBLIC_URL: "http://img.test",
    PLAN_FREE_UPLOADS: "6",
    ANON_UPLOADS_PER_HOUR: "1000",
    ANON_UPLOADS_PER_DAY: "1000",
  };
  const a = await startServer(env);
  const b = await startServer(env);
  try {
    // Uploaded on A, served by B, byte for byte (the bytes are in the bucket, the record in KV).
    const gif = await smallImage();
    const up = await postUpload(a.client, gif, "a.gif");
    const img = await up.json() as { id: string; delete_url: string };
    assert.equal(up.status, 201, JSON.stringify(img));
    const onB = await fetch(`${b.base}/${img.id}.gif`);
    assert.equal(onB.status, 200);
    assert.deepEqual(await bytesOf(onB), gif);

    // A has the image in its delivery cache; a delete on B is a 410 on A within 5 s.
    await (await fetch(`${a.base}/${img.id}.gif`)).body?.cancel();
    const del = await fetch(`${b.base}${new URL(img.delete_url).pathname}`, { method: "DELETE" });
    await del.body?.cancel();
    assert.ok(del.status < 300, `delete answered ${del.status}`);
    const deletedAt = Date.now();
    let status = 0;
    while (Date.now() - deletedAt < 5_000) {
      const res = await fetch(`${a.base}/${img.id}.gif`);
      await res.body?.cancel();
      status = res.status;
      if (status === 410) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(status, 410, "A answers 410 within 5 s of the delete on B");

    // One account, uploads sent to both processes at once: the plan's 6 hold across them.
    const { key } = await signUp(a.client);
    const results = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const res = await keyedUpload(i % 2 ? a.client : b.client, key, await distinctImage(i));
        const body = await res.json();
        return { status: res.status, error: body.error as string | undefined };
      }),
    );
    const created = results.filter((r) => r.status === 201).length;
    assert.equal(created, 6, JSON.stringify(results));
    assert.ok(
      results.every((r) => r.status === 201 || r.error === "quota_exceeded"),
      JSON.stringify(results),
    );
  } finally {
    await a.stop();
    await b.stop();
    await s3.close();
    await removeKv(kvPath);
  }
});

Deno.test("the expiry cron runs in one process at a time over a shared KV file", async () => {
  const kvPath = `./data/test-lease-${nanoid(8)}.kv`;
  // Two connections to one SQLite file, as two processes have.
  const config = loadConfig({ KV_PATH: kvPath, PUBLIC_URL: "http://img.test" });
  const kvs = [await openKv(kvPath), await openKv(kvPath)];
  const services = kvs.map((kv) => buildServices(config, kv, systemClock, randomIds, SECRET));
  try {
    // One after another: the ingest queue bounds how many may wait, and this test is about the
    // lease, not about back-pressure.
    for (let i = 0; i < 40; i++) {
      await services[0].uploads.upload({
        bytes: await distinctImage(i),
        owner: null,
        client: "test",
        source: "upload",
        ttl: "1d",
        correlationId: `c${i}`,
      });
    }
    const lines: string[] = [];
    const later = Date.now() + 2 * 86_400_000;
    const ran = await Promise.all(services.map((s) => expiryCron(s, later, (l) => lines.push(l))));
    assert.deepEqual(ran.toSorted(), [false, true], lines.join("\n"));
    assert.ok(lines.some((l) => /^expiry: 40 expired/.test(l)), lines.join("\n"));
    // Released when done: the next run can take it (and finds nothing left).
    assert.equal(await expiryCron(services[1], later, (l) => lines.push(l)), true);
    assert.match(lines.at(-1)!, /^expiry: 0 expired/);
  } finally {
    for (const s of services) {
      s.runtime.close();
      s.engine.close();
      s.vision.close();
    }
    for (const kv of kvs) kv.close();
    await removeKv(kvPath);
  }
});
