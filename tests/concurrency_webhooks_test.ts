import assert from "node:assert/strict";
import { createKey, distinctImage, register } from "./support/accounts.ts";
import { created, twoIsolates, upload } from "./support/isolates.ts";
import { startReceiver, verifySignature } from "./support/webhook_receiver.ts";

Deno.test("holds: two isolates dispatching webhooks at once deliver every event, in log order", async () => {
  const { receiver, host, close } = startReceiver();
  try {
    await twoIsolates(async (a, b) => {
      const cookie = await register(a, "hooks@example.test", "correct horse battery");
      const { key } = await createKey(a, cookie);
      const auth = { authorization: `Bearer ${key}` };
      const res = await a.app.request("/v1/webhooks", {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ url: receiver.url, events: ["image.created"] }),
      });
      const hook = await res.json();
      assert.equal(res.status, 201, JSON.stringify(hook));
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) {
        const t = i % 2 ? b : a;
        ids.push((await created(await upload(t, await distinctImage(i), {}, auth))).id);
        // Both isolates tick while uploads keep arriving.
        await Promise.all([
          a.services.webhookDispatcher.tick(),
          b.services.webhookDispatcher.tick(),
        ]);
      }
      await Promise.all([a.services.webhookDispatcher.tick(), b.services.webhookDispatcher.tick()]);
      const seen = receiver.got.map((r) => JSON.parse(r.body).data.id as string);
      const firsts = seen.filter((id, i) => seen.indexOf(id) === i);
      assert.deepEqual(firsts, ids, "every image once, in upload order");
      assert.equal(seen.length, ids.length, "no duplicates here (at least once allows them)");
      for (const r of receiver.got) assert.ok(await verifySignature(hook.secret, r));
    }, { IMPORT_ALLOW_HOSTS: host });
  } finally {
    await close();
  }
});
