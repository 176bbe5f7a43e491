import assert from "node:assert/strict";
import { distinctImage, keyedUpload, signUp, withKey } from "./support/accounts.ts";
import { withApp } from "./support/http.ts";
import { register, registered, startReceiver } from "./support/webhook_receiver.ts";
import { WebhookStore } from "../src/webhooks/mod.ts";
import { webhookKeys } from "../src/webhooks/webhook_store.ts";

/** A receiver that takes every request but answers none until `release()`. */
function stalledReceiver() {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let got = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async () => {
    got++;
    await released;
    return new Response(null, { status: 204 });
  });
  const host = `127.0.0.1:${server.addr.port}`;
  return {
    host,
    url: `http://${host}/slow`,
    got: () => got,
    release,
    close: async () => {
      release();
      await server.shutdown();
    },
  };
}

Deno.test("webhooks: a receiver that never answers holds up only its own account's deliveries", async () => {
  const slow = stalledReceiver();
  const fast = startReceiver();
  try {
    await withApp(async (t) => {
      const dispatcher = t.services.webhookDispatcher;
      try {
        const mallory = await signUp(t);
        const alice = await signUp(t);
        await registered(t, mallory.key, slow.url, ["image.created"]);
        await registered(t, alice.key, fast.receiver.url, ["image.created"]);
        dispatcher.start(20);
        assert.equal((await keyedUpload(t, mallory.key, await distinctImage(1))).status, 201);
        for (let i = 0; slow.got() === 0; i++) {
          assert.ok(i < 500, "the stalled receiver was never called");
          await new Promise((r) => setTimeout(r, 20));
        }
        assert.equal((await keyedUpload(t, alice.key, await distinctImage(2))).status, 201);
        await fast.receiver.waitFor(1, 5_000);
        assert.equal(JSON.parse(fast.receiver.got[0].body).type, "image.created");
      } finally {
        slow.release();
        await dispatcher.stop();
      }
    }, { IMPORT_ALLOW_HOSTS: `${slow.host},${fast.host}` });
  } finally {
    await slow.close();
    await fast.close();
  }
});

Deno.test("webhooks: a queue left leased by a process that died mid-delivery is sent again once the lease ends", async () => {
  const receiver = startReceiver();
  try {
    await withApp(async (t) => {
      const { key } = await signUp(t);
      const hook = await registered(t, key, receiver.receiver.url, ["image.created"]);
      assert.equal((await keyedUpload(t, key, await distinctImage(1))).status, 201);
      const dispatcher = t.services.webhookDispatcher;
      await dispatcher.catchUp();
      // What a process that crashed between its POST and the record of it leaves behind.
      assert.ok(await new WebhookStore(t.kv).lease(hook.id, 100));
      await dispatcher.tick();
      assert.equal(receiver.receiver.got.length, 0, "held while the lease runs");
      await new Promise((r) => setTimeout(r, 300));
      await dispatcher.tick();
      assert.equal(receiver.receiver.got.length, 1, "sent once the lease has ended");
      const state = await (await withKey(t, key, `/v1/webhooks/${hook.id}`)).json();
      assert.deepEqual([state.delivered, state.pending], [1, 0]);
    }, { IMPORT_ALLOW_HOSTS: receiver.host });
  } finally {
    await receiver.close();
  }
});

Deno.test("webhooks: an image whose delivery is larger than a KV value is delivered and holds up no one", async () => {
  const receiver = startReceiver();
  try {
    await withApp(async (t) => {
      const mallory = await signUp(t);
      const alice = await signUp(t);
      await registered(t, mallory.key, receiver.receiver.url, ["image.created"]);
      await registered(t, alice.key, receiver.receiver.url, ["image.created"]);
      // Quotes double in the JSON body and one "€" makes it a two-byte string: ~80 KB stored.
      const metadata: Record<string, string> = { euro: "€" };
      for (let f = 0; f < 19; f++) metadata[`field${f}`] = '"'.repeat(1000);
      const big = await keyedUpload(t, mallory.key, await distinctImage(1), "a.gif", metadata);
      assert.equal(big.status, 201, await big.text());
      assert.equal((await keyedUpload(t, alice.key, await distinctImage(2))).status, 201);
      await t.services.webhookDispatcher.tick();
      assert.equal(receiver.receiver.got.length, 2);
      // Two webhooks, sent in parallel: in either order.
      const data = receiver.receiver.got.map((r) => JSON.parse(r.body).data);
      const [large] = data.filter((d) => d.metadata);
      assert.equal(large?.metadata.field0, '"'.repeat(1000));
      assert.equal(data.filter((d) => !d.metadata).length, 1, "the other account's event too");
    }, { IMPORT_ALLOW_HOSTS: receiver.host });
  } finally {
    await receiver.close();
  }
});

Deno.test("webhooks: concurrent registrations cannot pass the limit of 10 per account", async () => {
  await withApp(async (t) => {
    const { key } = await signUp(t);
    const tries = await Promise.all(
      Array.from(
        { length: 25 },
        () =>
          register(t, key, "https://hooks.example.com/in", ["image.created"]).then(async (res) =>
            [res.status, (await res.json()).error] as const
          ),
      ),
    );
    assert.equal(tries.filter(([s]) => s === 201).length, 10);
    assert.deepEqual(
      [...new Set(tries.filter(([s]) => s !== 201).map(([s, e]) => `${s} ${e}`))],
      ["422 validation_error"],
    );
    const list = await (await withKey(t, key, "/v1/webhooks")).json();
    assert.equal(list.data.length, 10);
  });
});

Deno.test("webhooks: a delivery queued with its body inline, as the first release did, is still sent", async () => {
  const { receiver, host, close } = startReceiver();
  try {
    await withApp(async (t) => {
      const { key } = await signUp(t);
      const hook = await registered(t, key, receiver.url, ["image.created"]);
      assert.equal((await keyedUpload(t, key, await distinctImage(1))).status, 201);
      await t.services.webhookDispatcher.catchUp();
      const [entry] = await Array.fromAsync(t.kv.list({ prefix: webhookKeys.queue(hook.id) }));
      const { event: _event, ...old } = entry.value as Record<string, unknown>;
      await t.kv.set(entry.key, { ...old, body: '{"type":"image.created","legacy":true}' });
      await t.services.webhookDispatcher.tick();
      assert.deepEqual(receiver.got.map((r) => r.body), ['{"type":"image.created","legacy":true}']);
    }, { IMPORT_ALLOW_HOSTS: host });
  } finally {
    await close();
  }
});

Deno.test("webhooks: deliveries queued for a webhook deleted meanwhile are dropped, not kept", async () => {
  const { receiver, host, close } = startReceiver();
  try {
    await withApp(async (t) => {
      const { key } = await signUp(t);
      const hook = await registered(t, key, receiver.url, ["image.created"]);
      assert.equal((await keyedUpload(t, key, await distinctImage(1))).status, 201);
      await t.services.webhookDispatcher.catchUp();
      const queued = await Array.fromAsync(t.kv.list({ prefix: webhookKeys.queue(hook.id) }));
      const del = await withKey(t, key, `/v1/webhooks/${hook.id}`, { method: "DELETE" });
      assert.equal(del.status, 204);
      // What a catch-up that read the webhooks just before the delete writes after it.
      for (const e of queued) await t.kv.set(e.key, e.value);
      await t.kv.set(webhookKeys.pending(hook.id), true);
      await t.services.webhookDispatcher.tick();
      assert.equal(receiver.got.length, 0);
      assert.deepEqual(
        await Array.fromAsync(t.kv.list({ prefix: webhookKeys.queue(hook.id) })),
        [],
      );
      assert.equal((await t.kv.get(webhookKeys.pending(hook.id))).value, null);
    }, { IMPORT_ALLOW_HOSTS: host });
  } finally {
    await close();
  }
});
