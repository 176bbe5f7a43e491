import assert from "node:assert/strict";
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { distinctImage, keyedUpload, signUp } from "./support/accounts.ts";
import { withApp } from "./support/http.ts";
import { registered, startReceiver } from "./support/webhook_receiver.ts";

Deno.test("webhooks: Standard Webhooks' own library verifies a delivery with the whsec_ secret", async () => {
  const { receiver, host, close } = startReceiver();
  try {
    // The library checks the timestamp against the real time, so the app's clock starts there.
    await withApp(
      async (t) => {
        const { key } = await signUp(t);
        const { secret } = await registered(t, key, receiver.url, ["image.created"]);
        const upload = await (await keyedUpload(t, key, await distinctImage(1))).json();
        await t.services.webhookDispatcher.tick();
        assert.equal(receiver.got.length, 1);
        const [got] = receiver.got;
        const headers = Object.fromEntries(got.headers);
        const payload = new Webhook(secret).verify(got.body, headers) as {
          type: string;
          data: { id: string };
        };
        assert.equal(payload.type, "image.created");
        assert.equal(payload.data.id, upload.id);
        assert.throws(
          () => new Webhook(secret).verify(got.body.replace(upload.id, "x"), headers),
          WebhookVerificationError,
        );
        const stale = {
          ...headers,
          "webhook-timestamp": String(Math.floor(Date.now() / 1000) - 3600),
        };
        assert.throws(() => new Webhook(secret).verify(got.body, stale), WebhookVerificationError);
      },
      { IMPORT_ALLOW_HOSTS: host },
      { startMs: Date.now() },
    );
  } finally {
    await close();
  }
});
