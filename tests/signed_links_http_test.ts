import assert from "node:assert/strict";
import { inspectRaster, sniff } from "../src/imaging/mod.ts";
import { keyedUpload, signUp, withKey } from "./support/accounts.ts";
import { withApp } from "./support/http.ts";
import { fixture } from "./support/test_app.ts";

async function dims(res: Response) {
  const bytes = new Uint8Array(await res.arrayBuffer());
  const { format } = sniff(bytes);
  const info = await inspectRaster(bytes, format as "jpeg" | "png" | "gif");
  return [info.width, info.height];
}

Deno.test("the owner mints a signed resize link that works, and the same link unsigned is refused", async () => {
  await withApp(async (t) => {
    const { key } = await signUp(t);
    const up = await keyedUpload(t, key, await fixture("rocket.jpg"), "rocket.jpg");
    const image = await up.json();
    assert.equal(up.status, 201);

    const minted = await withKey(t, key, `/v1/images/${image.id}/links`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ w: 200, h: 100, fit: "cover" }),
    });
    const link = await minted.json();
    assert.equal(minted.status, 201, JSON.stringify(link));
    assert.match(link.url, new RegExp(`^http://img\\.test/${image.id}\\?.*sig=`));

    const path = link.url.replace("http://img.test", "");
    const served = await t.app.request(path);
    assert.equal(served.status, 200);
    assert.deepEqual(await dims(served), [200, 100]);

    const unsigned = await t.app.request(path.replace(/&?sig=[^&]+/, ""));
    assert.equal(unsigned.status, 403);
    assert.equal((await unsigned.json()).error, "invalid_signature");
  });
});

Deno.test("only the owner can mint, and bad parameters are refused like on the link", async () => {
  await withApp(async (t) => {
    const owner = await signUp(t);
    const other = await signUp(t);
    const up = await keyedUpload(t, owner.key, await fixture("rocket.jpg"), "rocket.jpg");
    const { id } = await up.json();
    const mint = (key: string | null, body: unknown) => {
      const init = {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      };
      return key
        ? withKey(t, key, `/v1/images/${id}/links`, init)
        : t.app.request(`/v1/images/${id}/links`, init);
    };
    const foreign = await mint(other.key, { w: 100 });
    assert.equal(foreign.status, 404);
    await foreign.body?.cancel();
    const anonymous = await mint(null, { w: 100 });
    assert.equal(anonymous.status, 401);
    await anonymous.body?.cancel();
    const bad = await mint(owner.key, { w: 99999 });
    assert.equal(bad.status, 400);
    const body = await bad.json();
    assert.equal(body.error, "invalid_transform");
    assert.equal(body.action.field, "w");
  });
});
