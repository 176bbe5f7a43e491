/**
 * Concurrency and durability review, blob GC racing uploads of the same bytes. Two test apps
 * over one KV stand for two isolates (tests/support/isolates.ts); after every race: each
 * acknowledged (201) image still serves its bytes, every ending is recorded exactly once, and
 * `replay()` finds no difference.
 *
 * The `holds:` tests held from the start. The tests under "now fixed" are bugs the review found; each
 * comment says what was wrong, and the test keeps it from coming back.
 */
import assert from "node:assert/strict";
import {
  advance,
  assertReplayClean,
  assertServes,
  created,
  DAY,
  type Image,
  twoIsolates,
  upload,
} from "./support/isolates.ts";
import { fixture } from "./support/test_app.ts";

Deno.test("holds: blob GC running while the same bytes are uploaded again never loses them", async () => {
  await twoIsolates(async (a, b) => {
    const gif = await fixture("animated.gif");
    const kept: Image[] = [];
    for (let round = 0; round < 3; round++) {
      // An orphan: uploaded and deleted at once, so its blob outlives it (recently touched).
      const orphan = await created(await upload(a, gif));
      const del = await b.app.request(new URL(orphan.delete_url!).pathname, { method: "DELETE" });
      assert.equal(del.status, 204);
      advance(2 * DAY, a, b);
      const now = a.clock.now();
      const [gc, ...uploads] = await Promise.all([
        b.services.blobs.collect(now, 3600_000, b.services.variants.isReferenced),
        ...Array.from({ length: 4 }, (_, i) => upload(i % 2 ? a : b, gif, { ttl: "7d" })),
        a.services.blobs.collect(now, 3600_000, a.services.variants.isReferenced),
      ]);
      assert.ok(gc.blobs <= 1);
      for (const res of uploads.slice(0, 4) as Response[]) kept.push(await created(res));
      await b.services.blobs.collect(a.clock.now(), 3600_000, b.services.variants.isReferenced);
      for (const img of kept.slice(-4)) {
        await assertServes(a, img, gif);
        await assertServes(b, img, gif);
      }
    }
    await assertReplayClean(a);
  });
});

Deno.test("holds: an upload committing between the GC's reference check and its delete survives", async () => {
  await twoIsolates(async (a, b) => {
    const gif = await fixture("animated.gif");
    // The worst interleaving, forced: an upload of the same bytes commits after the collector
    // found the blob unreferenced and before it deletes it. The upload's touch of the blob's meta
    // makes the collector's atomic check fail.
    const orphan = await created(await upload(a, gif, { caption: "orphan" }));
    const removed = await b.app.request(new URL(orphan.delete_url!).pathname, {
      method: "DELETE",
    });
    assert.equal(removed.status, 204);
    advance(2 * DAY, a, b);
    let raced: Image | undefined;
    const seen: boolean[] = [];
    await b.services.blobs.collect(b.clock.now(), 3600_000, async (hash) => {
      const referenced = await b.services.variants.isReferenced(hash);
      seen.push(referenced);
      raced ??= await created(await upload(a, gif, { caption: "raced" }));
      return referenced;
    });
    assert.deepEqual(seen, [false], "the collector found the orphan unreferenced");
    await assertServes(b, raced!, gif);
    await assertReplayClean(a);
  });
});
