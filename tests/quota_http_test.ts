import assert from "node:assert/strict";
import {
  account,
  distinctImage,
  drain,
  keyedUpload,
  ORIGIN,
  signUp,
  smallImage,
  type Usage,
} from "./support/accounts.ts";
import { type ErrorJson, expectError, type TestApp, withApp } from "./support/http.ts";
import { testApp } from "./support/test_app.ts";
import { streams } from "../domain/streams.ts";

type QuotaError = ErrorJson & { usage: Omit<Usage, "period"> };

async function uploadTimes(t: TestApp, key: string, n: number, bytes: Uint8Array) {
  for (let i = 0; i < n; i++) {
    const res = await keyedUpload(t, key, bytes, `img${i}.gif`);
    const text = await res.text();
    assert.equal(res.status, 201, text);
  }
}

/** A POST on a one-button page, as the browser sends it from our own origin. */
const confirm = (t: TestApp, url: string, origin = ORIGIN) =>
  t.app.request(url, {
    method: "POST",
    headers: { origin, "content-type": "application/x-www-form-urlencoded" },
    body: "",
  });

Deno.test("the upload past the monthly quota is refused with the usage and a signed Pro upgrade", async () => {
  await withApp(async (t) => {
    const { key, accountId } = await signUp(t);
    const gif = await smallImage();
    await uploadTimes(t, key, 3, gif);
    const res = await keyedUpload(t, key, gif, "fourth.gif");
    const body = await expectError(res, 403, "quota_exceeded", "upgrade") as QuotaError;
    assert.equal(res.headers.get("x-quota-uploads-used"), "3");
    assert.deepEqual(body.usage, {
      plan: "free",
      uploads_used: 3,
      uploads_limit: 3,
      storage_used_bytes: 3 * gif.length,
      storage_limit_bytes: 5_000_000_000,
    });
    assert.match(body.message, /3 of 3/);
    const url = new URL(body.action.url!);
    assert.equal(url.origin, ORIGIN);
    assert.equal(url.pathname, "/upgrade/pro");
    assert.equal(url.searchParams.get("account"), accountId);
    assert.equal(
      Number(url.searchParams.get("exp")),
      Math.floor(t.clock.now() / 1000) + 7 * 86_400,
    );
    assert.match(url.searchParams.get("sig") ?? "", /^[0-9a-f]{64}$/);
    assert.match(body.action.label!, /Pro/);
    assert.match(body.action.label!, /\$19\/mo/);
    assert.match(body.action.label!, /1,000 uploads/);
    // Nothing was stored or counted for the refused upload.
    assert.equal((await account(t, key)).usage.uploads_used, 3);
  }, { PLAN_FREE_UPLOADS: "3" });
});

Deno.test("following the upgrade link shows a one-button page; confirming it lifts the quota", async () => {
  await withApp(async (t) => {
    const { key, accountId } = await signUp(t);
    const gif = await smallImage();
    await uploadTimes(t, key, 3, gif);
    const refused = await expectError(
      await keyedUpload(t, key, gif),
      403,
      "quota_exceeded",
      "upgrade",
    );
    const link = refused.action.url!;

    const page = await t.app.request(link, { headers: { accept: "text/html" } });
    const html = await page.text();
    assert.equal(page.status, 200, html);
    assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
    assert.match(html, /<form[^>]*method="post"/i);
    assert.match(html, /<button[^>]*>[^<]*[Uu]pgrade/);
    assert.equal((await account(t, key)).usage.plan, "free", "GET changes nothing");

    // The upgrade page is our own: a cross-site form POST cannot apply it.
    const forged = await confirm(t, link, "http://evil.test");
    await drain(forged);
    assert.notEqual(forged.status, 200, "a cross-site POST is refused");
    assert.equal((await account(t, key)).usage.plan, "free");

    const done = await confirm(t, link);
    const doneHtml = await done.text();
    assert.equal(done.status, 200, doneHtml);
    const me = await account(t, key);
    assert.equal(me.usage.plan, "pro");
    assert.equal(me.usage.uploads_limit, 1_000);
    const types = (await t.services.store.readStream(streams.account(accountId))).events.map((e) =>
      e.type
    );
    assert.equal(types.filter((x) => x === "PlanChanged").length, 1);

    const next = await keyedUpload(t, key, gif, "after-upgrade.gif");
    await drain(next);
    assert.equal(next.status, 201);
    assert.equal(next.headers.get("x-quota-uploads-used"), "4");
    assert.equal(next.headers.get("x-quota-uploads-limit"), "1000");
  }, { PLAN_FREE_UPLOADS: "3" });
});

Deno.test("a tampered or expired upgrade link is refused with 403 and changes nothing", async () => {
  await withApp(async (t) => {
    const { key } = await signUp(t);
    const gif = await smallImage();
    await uploadTimes(t, key, 1, gif);
    const refused = await expectError(
      await keyedUpload(t, key, gif),
      403,
      "quota_exceeded",
      "upgrade",
    );
    const link = new URL(refused.action.url!);

    const badSig = new URL(link);
    const sig = badSig.searchParams.get("sig")!;
    badSig.searchParams.set("sig", (sig[0] === "0" ? "1" : "0") + sig.slice(1));
    const otherPlan = new URL(link);
    otherPlan.pathname = "/upgrade/max";
    const otherAccount = new URL(link);
    otherAccount.searchParams.set("account", "someoneelse1");
    const laterExp = new URL(link);
    laterExp.searchParams.set("exp", String(Number(link.searchParams.get("exp")) + 86_400));
    for (const url of [badSig, otherPlan, otherAccount, laterExp]) {
      await expectError(await t.app.request(url.href), 403, "forbidden");
      await expectError(await confirm(t, url.href), 403, "forbidden");
    }

    t.clock.advance(7 * 86_400_000 + 1_000);
    await expectError(await t.app.request(link.href), 403, "forbidden");
    await expectError(await confirm(t, link.href), 403, "forbidden");
    assert.equal((await account(t, key)).usage.plan, "free");
  }, { PLAN_FREE_UPLOADS: "1" });
});

Deno.test("an upload that would pass the storage limit is refused with storage_exceeded", async () => {
  await withApp(async (t) => {
    const { key } = await signUp(t);
    const gif = await smallImage();
    await uploadTimes(t, key, 1, gif);
    const res = await keyedUpload(t, key, gif, "second.gif");
    const body = await expectError(res, 403, "storage_exceeded", "upgrade") as QuotaError;
    assert.deepEqual(body.usage, {
      plan: "free",
      uploads_used: 1,
      uploads_limit: 100,
      storage_used_bytes: gif.length,
      storage_limit_bytes: 6_000,
    });
    assert.equal(new URL(body.action.url!).pathname, "/upgrade/pro");
    assert.match(body.action.label!, /Pro \(\$19\/mo\)/);
    assert.match(body.action.label!, /storage/);
    assert.equal((await account(t, key)).usage.storage_used_bytes, gif.length);
  }, { PLAN_FREE_STORAGE: "6000" });
});

Deno.test("on the top plan an exhausted quota offers contact instead of an upgrade", async () => {
  await withApp(async (t) => {
    const { key, accountId } = await signUp(t);
    await t.services.accounts.changePlan(accountId, "max");
    const gif = await smallImage();
    await uploadTimes(t, key, 1, gif);
    const body = await expectError(
      await keyedUpload(t, key, gif),
      403,
      "quota_exceeded",
      "contact",
    ) as QuotaError;
    assert.equal(typeof body.action.url, "string");
    assert.ok(!body.action.url!.includes("/upgrade/"), body.action.url);
    assert.equal(body.usage.plan, "max");
    assert.equal(body.usage.uploads_limit, 1);
  }, { PLAN_MAX_UPLOADS: "1" });
});

/** Sends one keyed upload per app in `apps`, all at once (each its own bytes); the statuses. */
async function concurrentUploads(apps: TestApp[], key: string, files: Uint8Array[]) {
  const responses = await Promise.all(
    apps.map((t, i) => keyedUpload(t, key, files[i], `race${i}.gif`)),
  );
  const statuses: number[] = [];
  for (const res of responses) {
    const text = await res.text();
    statuses.push(res.status);
    if (res.status !== 201) {
      assert.equal(res.status, 403, text);
      assert.equal(JSON.parse(text).error, "quota_exceeded", text);
    }
  }
  return statuses;
}

async function assertExactlyThreeConsumed(
  t: TestApp,
  key: string,
  accountId: string,
  size: number,
) {
  const me = await account(t, key);
  assert.equal(me.usage.uploads_used, 3);
  assert.equal(me.usage.storage_used_bytes, 3 * size);
  const { events } = await t.services.store.readStream(streams.account(accountId));
  assert.equal(events.filter((e) => e.type === "QuotaConsumed").length, 3);
  const list = await (await keyedUploadList(t, key)).json();
  assert.equal(list.data.length, 3, "exactly three images exist");
}

const keyedUploadList = (t: TestApp, key: string) =>
  t.app.request("/v1/images", { headers: { authorization: `Bearer ${key}` } });

Deno.test("8 concurrent uploads against 3 remaining units let exactly 3 through", async () => {
  await withApp(async (t) => {
    const { key, accountId } = await signUp(t);
    const files = await Promise.all(Array.from({ length: 8 }, (_, i) => distinctImage(i)));
    const statuses = await concurrentUploads(Array(8).fill(t), key, files);
    assert.equal(statuses.filter((s) => s === 201).length, 3, String(statuses));
    await assertExactlyThreeConsumed(t, key, accountId, files[0].length);
  }, { PLAN_FREE_UPLOADS: "3" });
});

Deno.test("two runtimes on one KV still let exactly 3 of 8 concurrent uploads through", async () => {
  const kv = await Deno.openKv(":memory:");
  const env = { PLAN_FREE_UPLOADS: "3" };
  const a = await testApp(env, { kv });
  const b = await testApp(env, { kv });
  try {
    const { key, accountId } = await signUp(a);
    const files = await Promise.all(Array.from({ length: 8 }, (_, i) => distinctImage(i)));
    // The key made on one isolate works on the other.
    assert.equal((await account(b, key)).id, accountId);
    const statuses = await concurrentUploads([a, b, a, b, a, b, a, b], key, files);
    assert.equal(statuses.filter((s) => s === 201).length, 3, String(statuses));
    await assertExactlyThreeConsumed(a, key, accountId, files[0].length);
    await assertExactlyThreeConsumed(b, key, accountId, files[0].length);
  } finally {
    a.close();
    b.close();
    kv.close();
  }
});

Deno.test("8 concurrent uploads of the very same file against 3 units: 3 stored, 5 refused, none fail", async () => {
  await withApp(async (t) => {
    const { key, accountId } = await signUp(t);
    const gif = await smallImage();
    const statuses = await concurrentUploads(Array(8).fill(t), key, Array(8).fill(gif));
    assert.equal(statuses.filter((s) => s === 201).length, 3, String(statuses));
    await assertExactlyThreeConsumed(t, key, accountId, gif.length);
  }, { PLAN_FREE_UPLOADS: "3" });
});

Deno.test("an old upgrade link never moves an account down a plan", async () => {
  await withApp(async (t) => {
    const { key } = await signUp(t);
    const gif = await smallImage();
    await uploadTimes(t, key, 1, gif);
    const toPro = await expectError(
      await keyedUpload(t, key, gif),
      403,
      "quota_exceeded",
      "upgrade",
    );
    await drain(await confirm(t, toPro.action.url!));
    await uploadTimes(t, key, 1, gif);
    const toScale = await expectError(
      await keyedUpload(t, key, gif),
      403,
      "quota_exceeded",
      "upgrade",
    );
    assert.equal(new URL(toScale.action.url!).pathname, "/upgrade/scale");
    await drain(await confirm(t, toScale.action.url!));
    assert.equal((await account(t, key)).usage.plan, "scale");
    // The Pro link is still within its 7 days; following it again must not downgrade.
    await drain(await confirm(t, toPro.action.url!));
    assert.equal((await account(t, key)).usage.plan, "scale");
  }, { PLAN_FREE_UPLOADS: "1", PLAN_PRO_UPLOADS: "2" });
});
