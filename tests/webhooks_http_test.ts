import assert from "node:assert/strict";
import { distinctImage, keyedUpload, signUp, withKey } from "./support/accounts.ts";
import { expectError, type TestApp, uploadOk } from "./support/http.ts";
import {
  type Received,
  register,
  registered,
  verifySignature,
  withReceiver,
} from "./support/webhook_receiver.ts";

const HOUR = 3600_000;

async function keyedId(t: TestApp, key: string, i: number): Promise<string> {
  const res = await keyedUpload(t, key, await distinctImage(i));
  const body = await res.json();
  assert.equal(res.status, 201, JSON.stringify(body));
  return body.id;
}

const deleteImage = async (t: TestApp, key: string, id: string) => {
  const res = await withKey(t, key, `/v1/images/${id}`, { method: "DELETE" });
  assert.equal(res.status, 204);
};

const hookState = async (t: TestApp, key: string, id: string) => {
  const res = await withKey(t, key, `/v1/webhooks/${id}`);
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  return body;
};

const events = (got: Received[]) =>
  got.map((r) => {
    const body = JSON.parse(r.body);
    return `${body.type} ${body.data.id}`;
  });

Deno.test("webhooks: a loopback receiver gets a signed image.created within seconds of an upload", async () => {
  await withReceiver(async (t, r) => {
    const me = await signUp(t);
    const other = await signUp(t);
    const hook = await registered(t, me.key, r.url, ["image.created", "image.deleted"]);
    assert.match(hook.secret, /^whsec_[A-Za-z0-9+/]{32}$/);
    t.services.webhookDispatcher.start(50);

    await uploadOk(t, await distinctImage(1), "anon.gif"); // anonymous: nobody to tell
    await keyedId(t, other.key, 2); // another account's image
    const started = performance.now();
    const id = await keyedId(t, me.key, 3);
    await r.waitFor(1);
    assert.ok(r.got[0].at - started < 5_000, `delivered after ${r.got[0].at - started} ms`);

    const [first] = r.got;
    assert.ok(await verifySignature(hook.secret, first), "the signature verifies");
    assert.ok(
      !await verifySignature(hook.secret, { ...first, body: first.body.replace(id, "x") }),
      "a changed body does not verify",
    );
    assert.ok(!await verifySignature("whsec_" + btoa("another secret"), first));
    assert.equal(first.headers.get("content-type"), "application/json");
    assert.match(first.headers.get("webhook-id") ?? "", /^msg_/);
    assert.equal(Number(first.headers.get("webhook-timestamp")), Math.floor(t.clock.now() / 1000));
    const body = JSON.parse(first.body);
    assert.equal(body.type, "image.created");
    assert.equal(body.data.id, id);
    assert.equal(body.data.link, `http://img.test/${id}`);
    assert.equal(body.data.delete_url, undefined);
    assert.ok(body.data.thumbhash, "the image object as the upload answered it");

    await deleteImage(t, me.key, id);
    await r.waitFor(2);
    assert.deepEqual(events(r.got), [`image.created ${id}`, `image.deleted ${id}`]);
    assert.notEqual(r.got[1].headers.get("webhook-id"), first.headers.get("webhook-id"));
    // Nothing else arrives: the anonymous and the other account's uploads are not ours.
    await new Promise((res) => setTimeout(res, 200));
    assert.equal(r.got.length, 2);

    const state = await hookState(t, me.key, hook.id);
    assert.equal(state.status, "active");
    assert.equal(state.delivered, 2);
    assert.equal(state.pending, 0);
    assert.deepEqual(state.recent_attempts.map((a: { result: string }) => a.result), [
      "delivered",
      "delivered",
    ]);
    assert.equal(state.recent_attempts[0].status_code, 204);
  });
});

Deno.test("webhooks: a receiver that fails twice then recovers gets the event again, then the rest in order", async () => {
  await withReceiver(async (t, r) => {
    const { key } = await signUp(t);
    const hook = await registered(t, key, r.url, [
      "image.created",
      "image.deleted",
      "image.expired",
    ]);
    const dispatcher = t.services.webhookDispatcher;
    const a = await keyedId(t, key, 1);
    await deleteImage(t, key, a);
    const b = await keyedId(t, key, 2);

    await dispatcher.tick();
    assert.equal(r.got.length, 1, "the first try fails; nothing behind it is sent");
    await dispatcher.tick();
    assert.equal(r.got.length, 1, "not retried before its time");
    let state = await hookState(t, key, hook.id);
    assert.equal(state.status, "retrying");
    assert.equal(state.pending, 3);
    assert.equal(state.recent_attempts[0].status_code, 500);
    assert.equal(state.recent_attempts[0].next_attempt_at, Math.floor(t.clock.now() / 1000) + 5);

    t.clock.advance(5_000);
    await dispatcher.tick();
    assert.equal(r.got.length, 2);
    t.clock.advance(30_000);
    await dispatcher.tick();
    assert.deepEqual(events(r.got), [
      `image.created ${a}`,
      `image.created ${a}`,
      `image.created ${a}`,
      `image.deleted ${a}`,
      `image.created ${b}`,
    ]);
    const ids = r.got.map((x) => x.headers.get("webhook-id"));
    assert.equal(new Set(ids.slice(0, 3)).size, 1, "a retry keeps its webhook-id");
    assert.equal(new Set(r.got.slice(0, 3).map((x) => x.body)).size, 1, "and its body");
    for (const x of r.got) assert.ok(await verifySignature(hook.secret, x));

    state = await hookState(t, key, hook.id);
    assert.equal(state.status, "active");
    assert.deepEqual([state.delivered, state.failed_deliveries, state.pending], [3, 0, 0]);
    assert.deepEqual(
      state.recent_attempts.map((x: { attempt: number; result: string }) =>
        `${x.attempt} ${x.result}`
      ),
      ["1 delivered", "1 delivered", "3 delivered", "2 retrying", "1 retrying"],
    );
  }, (n) => (n <= 2 ? 500 : 200));
});

Deno.test("webhooks: a delivery failing for 24 h is marked failed, visible, and later events still go", async () => {
  let down = true;
  await withReceiver(async (t, r) => {
    const { key } = await signUp(t);
    const hook = await registered(t, key, r.url, ["image.created"]);
    const dispatcher = t.services.webhookDispatcher;
    const first = await keyedId(t, key, 1);
    await dispatcher.tick();
    for (let h = 0; h < 26; h++) {
      t.clock.advance(HOUR);
      await dispatcher.tick();
    }
    const tries = r.got.length;
    assert.ok(tries >= 8 && tries <= 14, `${tries} tries in 24 h`);
    let state = await hookState(t, key, hook.id);
    assert.equal(state.status, "failed");
    assert.deepEqual([state.delivered, state.failed_deliveries, state.pending], [0, 1, 0]);
    assert.equal(state.recent_attempts[0].result, "failed");
    assert.equal(state.recent_attempts[0].status_code, 503);
    assert.equal(state.recent_attempts[0].image_id, first);
    t.clock.advance(48 * HOUR);
    await dispatcher.tick();
    assert.equal(r.got.length, tries, "a failed delivery is not tried again");

    down = false;
    const second = await keyedId(t, key, 2);
    await dispatcher.tick();
    assert.deepEqual(events(r.got.slice(tries)), [`image.created ${second}`]);
    state = await hookState(t, key, hook.id);
    assert.equal(state.status, "active");
  }, () => (down ? 503 : 200));
});

Deno.test("webhooks: expiry is delivered as image.expired", async () => {
  await withReceiver(async (t, r) => {
    const { key } = await signUp(t);
    await registered(t, key, r.url, ["image.expired"]);
    const res = await keyedUpload(t, key, await distinctImage(1), "a.gif", { ttl: "1h" });
    const { id } = await res.json();
    t.clock.advance(2 * HOUR);
    const { runExpiryJob } = await import("../src/images/expire_job.ts");
    await runExpiryJob(t.services, { nowMs: t.clock.now() });
    await t.services.webhookDispatcher.tick();
    assert.deepEqual(events(r.got), [`image.expired ${id}`]);
  });
});

Deno.test("webhooks: URLs pass the import address rules; only https, http just for allow-listed hosts", async () => {
  await withReceiver(async (t, r) => {
    const { key } = await signUp(t);
    const refused: [string, string][] = [
      ["http://example.com/hook", "scheme"],
      ["ftp://example.com/hook", "scheme"],
      ["https://127.0.0.1/hook", "loopback"],
      ["https://localhost/hook", "loopback"],
      ["https://10.1.2.3/hook", "private"],
      ["https://169.254.169.254/latest", "link_local"],
      ["https://[::1]/hook", "loopback"],
      ["https://user:pw@example.com/hook", "userinfo"],
      ["https://intranet/hook", "hostname"],
      ["https://example.com:25/hook", "port"],
      [r.url.replace(/:\d+\//, ":8081/"), "loopback"], // the allowed host, another port
    ];
    for (const [url, rule] of refused) {
      const body = await expectError(
        await register(t, key, url, ["image.created"]),
        422,
        "url_not_allowed",
      );
      assert.equal((body as unknown as { rule: string }).rule, rule, url);
      assert.equal(body.action.field, "url");
    }
    await expectError(
      await register(t, key, "not a url", ["image.created"]),
      422,
      "validation_error",
    );
    await expectError(await register(t, key, r.url, []), 422, "validation_error");
    await expectError(await register(t, key, r.url, ["image.updated"]), 422, "validation_error");
    const anon = await t.app.request("/v1/webhooks", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ url: r.url, events: ["image.created"] }),
    });
    await expectError(anon, 401, "unauthorized", "register");
    await registered(t, key, "https://hooks.example.com/imgpro", ["image.created"]);
  });
});

Deno.test("webhooks: list, read and delete are the owner's; a deleted webhook gets nothing more", async () => {
  await withReceiver(async (t, r) => {
    const me = await signUp(t);
    const other = await signUp(t);
    const hook = await registered(t, me.key, r.url, ["image.created"]);
    const list = await (await withKey(t, me.key, "/v1/webhooks")).json();
    assert.deepEqual(list.data.map((h: { id: string }) => h.id), [hook.id]);
    assert.equal(list.data[0].secret, undefined, "the secret is shown only at creation");
    assert.deepEqual((await (await withKey(t, other.key, "/v1/webhooks")).json()).data, []);
    await expectError(await withKey(t, other.key, `/v1/webhooks/${hook.id}`), 404, "not_found");
    await expectError(
      await withKey(t, other.key, `/v1/webhooks/${hook.id}`, { method: "DELETE" }),
      404,
      "not_found",
    );
    await expectError(await withKey(t, me.key, "/v1/webhooks/wh_nope"), 404, "not_found");

    await keyedId(t, me.key, 1);
    const del = await withKey(t, me.key, `/v1/webhooks/${hook.id}`, { method: "DELETE" });
    assert.equal(del.status, 204);
    await t.services.webhookDispatcher.tick();
    await keyedId(t, me.key, 2);
    await t.services.webhookDispatcher.tick();
    assert.equal(r.got.length, 0);
    await expectError(await withKey(t, me.key, `/v1/webhooks/${hook.id}`), 404, "not_found");

    for (let i = 0; i < 10; i++) await registered(t, me.key, r.url, ["image.created"]);
    await expectError(await register(t, me.key, r.url, ["image.created"]), 422, "validation_error");
  });
});

Deno.test("webhooks: an event decided before the webhook existed is not delivered", async () => {
  await withReceiver(async (t, r) => {
    const { key } = await signUp(t);
    const before = await keyedId(t, key, 1);
    t.clock.advance(1_000);
    await registered(t, key, r.url, ["image.created", "image.deleted"]);
    await deleteImage(t, key, before);
    await t.services.webhookDispatcher.tick();
    assert.deepEqual(events(r.got), [`image.deleted ${before}`]);
  });
});
