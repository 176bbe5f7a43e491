/**
 * Concurrency and durability review, expiry: the expiry job racing uploads, delete links and
 * itself. Two test apps over one KV stand for two isolates (tests/support/isolates.ts); after
 * every race: each acknowledged (201) image still serves its bytes, every ending is recorded
 * exactly once, and `replay()` finds no difference.
 *
 * The `holds:` tests held from the start. The tests under "now fixed" are bugs the review found; each
 * comment says what was wrong, and the test keeps it from coming back.
 */
import assert from "node:assert/strict";
import { runExpiryJob } from "../src/images/expire_job.ts";
import {
  account,
  advance,
  assertEndedOnce,
  assertReplayClean,
  assertServes,
  created,
  eventsOf,
  MINUTE,
  statusOf,
  storageOf,
  twoIsolates,
  upload,
} from "./support/isolates.ts";
import { fixture } from "./support/test_app.ts";

Deno.test("holds: same bytes uploaded at once with different ttls; expiring some keeps the rest", async () => {
  await twoIsolates(async (a, b) => {
    const gif = await fixture("animated.gif");
    const [short1, long1, short2, long2] = await Promise.all([
      upload(a, gif, { ttl: "5m" }).then(created),
      upload(b, gif, { ttl: "2h" }).then(created),
      upload(b, gif, { ttl: "10m" }).then(created),
      upload(a, gif, { ttl: "1h" }).then(created),
    ]);
    advance(15 * MINUTE, a, b);
    const reports = await Promise.all([
      runExpiryJob(a.services, { nowMs: a.clock.now() }),
      runExpiryJob(b.services, { nowMs: b.clock.now() }),
    ]);
    assert.equal(reports[0].expired + reports[1].expired, 2);
    assert.deepEqual([...reports[0].failed, ...reports[1].failed], []);
    for (const t of [a, b]) {
      assert.equal(await statusOf(t, `/${short1.id}`), 410);
      assert.equal(await statusOf(t, `/${short2.id}`), 410);
      await assertServes(t, long1, gif);
      await assertServes(t, long2, gif);
    }
    await assertReplayClean(a);
  });
});

Deno.test("holds: a delete_url racing the expiry job on another isolate ends the image once", async () => {
  await twoIsolates(async (a, b) => {
    const gif = await fixture("animated.gif");
    const images = await Promise.all(
      Array.from({ length: 4 }, (_, i) => upload(i % 2 ? a : b, gif, { ttl: "5m" }).then(created)),
    );
    const keeper = await created(await upload(a, gif));
    advance(10 * MINUTE, a, b);
    const [, ...deletes] = await Promise.all([
      runExpiryJob(a.services, { nowMs: a.clock.now() }),
      ...images.map((img) =>
        b.app.request(new URL(img.delete_url!).pathname, { method: "DELETE" })
      ),
    ]);
    for (const res of deletes) {
      const text = await res.text();
      assert.ok([204, 410].includes(res.status), `${res.status} ${text}`);
    }
    for (const img of images) {
      assertEndedOnce(await eventsOf(a, img.id), img.id);
      assert.equal(await statusOf(b, `/${img.id}`), 410);
    }
    await assertServes(b, keeper, gif);
    await assertReplayClean(b);
  });
});

Deno.test("holds: the expiry job run twice at once on two isolates expires and releases once", async () => {
  await twoIsolates(async (a, b) => {
    const gif = await fixture("animated.gif");
    const { auth, accountId } = await account(a, "expiry@example.test");
    const dying = await Promise.all(
      Array.from(
        { length: 5 },
        (_, i) => upload(i % 2 ? a : b, gif, { ttl: "5m" }, auth).then(created),
      ),
    );
    const permanent = await created(await upload(b, gif, {}, auth));
    advance(10 * MINUTE, a, b);
    const reports = await Promise.all([
      runExpiryJob(a.services, { nowMs: a.clock.now() }),
      runExpiryJob(b.services, { nowMs: b.clock.now() }),
      runExpiryJob(a.services, { nowMs: a.clock.now() }),
    ]);
    assert.equal(reports.reduce((n, r) => n + r.expired, 0), 5);
    assert.deepEqual(reports.flatMap((r) => r.failed), []);
    for (const img of dying) assertEndedOnce(await eventsOf(b, img.id), img.id);
    assert.equal(await storageOf(a, accountId), permanent.filesize);
    await assertServes(a, permanent, gif);
    await assertServes(b, permanent, gif);
    await assertReplayClean(b);
  });
});
