/**
 * Concurrency and durability review, uploads: Idempotency-Key retries and quota across isolates.
 * Two test apps over one KV stand for two isolates (tests/support/isolates.ts); after every
 * race: each acknowledged (201) image still serves its bytes, every ending is recorded exactly
 * once, and `replay()` finds no difference.
 *
 * The `holds:` tests held from the start. The tests under "now fixed" are bugs the review found; each
 * comment says what was wrong, and the test keeps it from coming back.
 */
import assert from "node:assert/strict";
import {
  account,
  assertReplayClean,
  assertServes,
  created,
  type Image,
  twoIsolates,
  upload,
} from "./support/isolates.ts";
import { fixture } from "./support/test_app.ts";

Deno.test("holds: concurrent Idempotency-Key retries: one image; a different body is a 409", async () => {
  await twoIsolates(async (a, b) => {
    const gif = await fixture("animated.gif");
    const png = await fixture("alpha.png");
    // Same key, different bodies, at the same moment on two isolates.
    const key = { "idempotency-key": "retry-1" };
    const [first, second] = await Promise.all([
      upload(a, gif, { caption: "one" }, key),
      upload(b, gif, { caption: "two" }, key),
    ]);
    const answers = [
      { status: first.status, body: await first.json() },
      { status: second.status, body: await second.json() },
    ].sort((x, y) => x.status - y.status);
    assert.deepEqual(answers.map((x) => x.status), [201, 409], JSON.stringify(answers));
    assert.equal(answers[1].body.error, "idempotency_key_conflict");
    assert.equal(answers[1].body.action.field, "Idempotency-Key");
    await assertServes(b, answers[0].body as Image, gif);
    // Same key, same body, three retries at once: one image, the others replay it.
    const { auth, accountId } = await account(a, "idem@example.test");
    const retries = await Promise.all(
      [a, b, a].map((t) =>
        upload(t, png, { caption: "same" }, { ...auth, "idempotency-key": "k2" })
      ),
    );
    const bodies = await Promise.all(retries.map(created));
    assert.equal(new Set(bodies.map((x) => x.id)).size, 1, "one image for three retries");
    const fresh = retries.filter((r) => r.headers.get("Idempotent-Replayed") !== "true");
    assert.equal(fresh.length, 1, "exactly one answer is not a replay");
    const doc = (await a.services.accounts.get(accountId))!;
    assert.equal(doc.uploads, 1, "quota paid once");
    assert.equal(doc.storage, bodies[0].filesize);
    await assertReplayClean(a);
  });
});

Deno.test("holds: concurrent uploads on two isolates never both take the last unit of quota", async () => {
  await twoIsolates(async (a, b) => {
    const gif = await fixture("animated.gif");
    const { auth, accountId } = await account(a, "quota@example.test");
    await created(await upload(a, gif, {}, auth));
    const responses = await Promise.all(
      Array.from({ length: 6 }, (_, i) => upload(i % 2 ? a : b, gif, { caption: `${i}` }, auth)),
    );
    const statuses: number[] = [];
    for (const res of responses) {
      const body = await res.json();
      statuses.push(res.status);
      if (res.status !== 201) assert.equal(body.error, "quota_exceeded", JSON.stringify(body));
    }
    assert.deepEqual(statuses.filter((s) => s === 201).length, 1, `statuses ${statuses}`);
    assert.equal((await a.services.accounts.get(accountId))!.uploads, 2);
    await assertReplayClean(b);
  }, { PLAN_FREE_UPLOADS: "2" });
});
