/**
 * Security review: API keys, authorization on /v1/images, and which credentials MCP forwards.
 *
 * The tests under "now fixed" encode a weakness the review found and the service no longer has; the
 * "resisted: …" ones are attacks it resisted from the start. All stay, so neither comes back.
 */
import assert from "node:assert/strict";
import {
  API_KEY_PATTERN,
  createKey,
  distinctImage,
  ORIGIN,
  postForm,
  sessionJson,
  signUp,
  withKey,
} from "./support/accounts.ts";
import { expectError, uploadOk, withApp } from "./support/http.ts";
import { keyedImage, MCP_HEADERS, ownerView, status, tool, toolCall } from "./support/security.ts";

// ---------------------------------------------------------------------------------------------
// Weaknesses the review found, now fixed

Deno.test("revoking a key id named after an Object.prototype member is 404 not_found", async () => {
  // domain/account/decider.ts reads state.keys[command.key_id] on a plain object.
  await withApp(async (t) => {
    const { key } = await signUp(t);
    for (const keyId of ["constructor", "toString", "valueOf", "hasOwnProperty"]) {
      await expectError(
        await withKey(t, key, `/v1/keys/${keyId}`, { method: "DELETE" }),
        404,
        "not_found",
      );
    }
  });
});

// ---------------------------------------------------------------------------------------------
// API keys (resisted)

Deno.test("resisted: API keys are 256-bit, stored only as a hash, and near misses are 401", async () => {
  await withApp(async (t) => {
    const { cookie, key } = await signUp(t);
    assert.match(key, API_KEY_PATTERN);
    const second = (await createKey(t, cookie, "second")).key;
    assert.notEqual(key, second);
    for await (const e of t.kv.list({ prefix: [] })) {
      if (e.value instanceof Uint8Array) continue;
      const text = JSON.stringify(e.key) +
        JSON.stringify(e.value, (_k, v) => typeof v === "bigint" ? String(v) : v);
      assert.ok(!text.includes(key.slice(9)), `plaintext key in KV at ${JSON.stringify(e.key)}`);
    }
    const listed = JSON.stringify(await (await withKey(t, key, "/v1/keys")).json());
    assert.ok(!listed.includes(key.slice(13)), "the list shows only the prefix");
    const nearMisses = [
      key.slice(0, -1),
      `${key}0`,
      key.replace("img_live_", "img_test_"),
      key.slice(0, 9) + key.slice(9).split("").reverse().join(""),
      key.toUpperCase(),
      `${key} ${key}`,
    ];
    for (const k of nearMisses) {
      await expectError(await withKey(t, k, "/v1/account"), 401, "unauthorized");
    }
    for (const auth of [`Basic ${btoa(`${key}:`)}`, key, `Bearer`, `Token ${key}`]) {
      const res = await t.app.request("/v1/account", { headers: { authorization: auth } });
      await expectError(res, 401, "unauthorized");
    }
    // A bad key on an anonymous-capable route is still 401, never anonymous.
    await expectError(
      await withKey(t, key.slice(0, -1), "/v1/upload", { method: "POST" }),
      401,
      "unauthorized",
    );
  });
});

Deno.test("resisted: a revoked key is dead everywhere, and one account cannot revoke another's key", async () => {
  await withApp(async (t) => {
    const a = await signUp(t);
    const b = await signUp(t);
    const bKeyId = (await (await withKey(t, b.key, "/v1/keys")).json()).data[0].key_id;
    await expectError(
      await withKey(t, a.key, `/v1/keys/${bKeyId}`, { method: "DELETE" }),
      404,
      "not_found",
    );
    await expectError(
      await postForm(t, `/keys/${bKeyId}/revoke`, {}, { cookie: a.cookie }),
      404,
      "not_found",
    );
    assert.equal(await status(withKey(t, b.key, "/v1/account")), 200, "B's key still works");

    const aKeyId = (await (await withKey(t, a.key, "/v1/keys")).json()).data[0].key_id;
    assert.equal(await status(withKey(t, a.key, `/v1/keys/${aKeyId}`, { method: "DELETE" })), 204);
    for (
      const [path, init] of [
        ["/v1/account", {}],
        ["/v1/images", {}],
        ["/v1/keys", { method: "POST", body: "{}" }],
        ["/v1/upload", { method: "POST", body: new FormData() }],
      ] as [string, RequestInit][]
    ) {
      await expectError(await withKey(t, a.key, path, init), 401, "unauthorized");
    }
    const viaMcp = await t.app.request("/mcp", {
      method: "POST",
      headers: { ...MCP_HEADERS, authorization: `Bearer ${a.key}` },
      body: JSON.stringify(toolCall(1, "list_images", {})),
    });
    await expectError(viaMcp, 401, "unauthorized");
  });
});

// ---------------------------------------------------------------------------------------------
// Authorization on /v1/images (resisted)

Deno.test("resisted: another account can neither change, delete, sign for nor read private fields of my image", async () => {
  await withApp(async (t) => {
    const a = await signUp(t);
    const b = await signUp(t);
    const img = await keyedImage(t, a.key, "a's caption");
    const before = await ownerView(t, a.key, img.id);
    const missing = "ZZZZZZZZZZ";
    const json = { "content-type": "application/json" };
    const attempts: [string, RequestInit][] = [
      ["", { method: "PATCH", headers: json, body: JSON.stringify({ caption: "pwned" }) }],
      ["", {
        method: "PATCH",
        headers: { ...json, "if-match": `W/"${before.version}"` },
        body: JSON.stringify({ metadata: { credit: "pwned" } }),
      }],
      ["", { method: "DELETE" }],
      ["/links", { method: "POST", headers: json, body: JSON.stringify({ w: 50, h: 50 }) }],
    ];
    for (const [suffix, init] of attempts) {
      const mine = await expectError(
        await withKey(t, b.key, `/v1/images/${img.id}${suffix}`, init),
        404,
        "not_found",
      );
      const none = await expectError(
        await withKey(t, b.key, `/v1/images/${missing}${suffix}`, init),
        404,
        "not_found",
      );
      // Indistinguishable from an id that does not exist.
      assert.equal(mine.message.replace(img.id, "ID"), none.message.replace(missing, "ID"));
      // Sessions of B behave the same.
      assert.equal(
        await status(
          sessionJson(t, b.cookie, init.method!, `/v1/images/${img.id}${suffix}`, {
            caption: "x",
          }),
        ),
        404,
      );
    }
    const after = await ownerView(t, a.key, img.id);
    assert.deepEqual(after, before, "A's image did not change");
    const seen = await (await withKey(t, b.key, `/v1/images/${img.id}`)).json();
    for (const field of ["version", "source", "source_url", "frames", "delete_url", "upgrade"]) {
      assert.equal(seen[field], undefined, `${field} leaked to another account`);
    }
    const list = await (await withKey(t, b.key, "/v1/images")).json();
    assert.equal(list.data.length, 0);
    // A cursor from A's listing does not walk B into A's images.
    await keyedImage(t, a.key, "second");
    const page = await (await withKey(t, a.key, "/v1/images?limit=1")).json();
    assert.ok(page.next_cursor);
    const cross = await withKey(
      t,
      b.key,
      `/v1/images?cursor=${encodeURIComponent(page.next_cursor)}`,
    );
    const crossBody = await cross.json();
    assert.ok(cross.status === 200 || cross.status === 422, JSON.stringify(crossBody));
    assert.equal((crossBody.data ?? []).length, 0);
  });
});

Deno.test("resisted: anonymous images cannot be edited or deleted with any key; signatures are image-bound", async () => {
  await withApp(async (t) => {
    const { key } = await signUp(t);
    const anon = await uploadOk(t, await distinctImage(3), "a.gif", { caption: "anon" });
    await expectError(
      await withKey(t, key, `/v1/images/${anon.id}`, {
        method: "PATCH",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ caption: "mine now" }),
      }),
      404,
      "not_found",
    );
    await expectError(
      await withKey(t, key, `/v1/images/${anon.id}`, { method: "DELETE" }),
      404,
      "not_found",
    );
    const pub = await (await t.app.request(`/v1/images/${anon.id}`)).json();
    assert.equal(pub.caption, "anon");
    // A link signed for my image does not resize someone else's.
    const mine = await keyedImage(t, key);
    const minted = await (await withKey(t, key, `/v1/images/${mine.id}/links`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ w: 7, h: 7, fit: "cover" }),
    })).json();
    const query = new URL(minted.url).search;
    assert.equal(await status(t.app.request(`/${mine.id}${query}`)), 200);
    await expectError(
      await t.app.request(`/${anon.id}${query}`),
      403,
      "invalid_signature",
    );
    await expectError(
      await t.app.request(`/${mine.id}${query.replace("w=7", "w=8")}`),
      403,
      "invalid_signature",
    );
  });
});

// ---------------------------------------------------------------------------------------------
// MCP (resisted)

Deno.test("resisted: MCP forwards the key, never the browser session", async () => {
  await withApp(async (t) => {
    const a = await signUp(t);
    const b = await signUp(t);
    const img = await keyedImage(t, a.key, "a's");
    // A logged-in browser's cookie (with our own Origin, even) does not act through /mcp.
    const asCookie = { cookie: a.cookie, origin: ORIGIN };
    const list = await tool(t, "list_images", {}, asCookie);
    assert.equal(list.status, 401);
    assert.equal(list.body.error, "unauthorized");
    const del = await tool(t, "delete_image", { id: img.id }, asCookie);
    assert.equal(del.status, 401);
    // The key is forwarded: A sees A's images, B cannot touch them.
    const mine = await tool(t, "list_images", {}, { authorization: `Bearer ${a.key}` });
    assert.equal((mine.body.data as unknown[]).length, 1);
    const bAuth = { authorization: `Bearer ${b.key}` };
    assert.equal((await tool(t, "delete_image", { id: img.id }, bAuth)).status, 404);
    const got = await tool(t, "get_image", { id: img.id }, bAuth);
    assert.equal(got.status, 200);
    assert.equal(got.body.version, undefined, "B sees only public fields");
    const sized = await tool(t, "transform_link", { id: img.id, w: 100 }, bAuth);
    assert.equal(sized.status, 404, "B cannot sign resizes of A's image");
    const anonSized = await tool(t, "transform_link", { id: img.id, w: 100 });
    assert.equal(anonSized.status, 401);
    assert.equal((await ownerView(t, a.key, img.id)).caption, "a's");
  });
});

Deno.test("resisted: MCP tool ids cannot walk to other routes", async () => {
  await withApp(async (t) => {
    const { key } = await signUp(t);
    const auth = { authorization: `Bearer ${key}` };
    const ids = ["..", ".", "../keys", "..%2Fkeys", "%2e%2e", "x/../../v1/keys", "?limit=100", "#"];
    for (const id of ids) {
      for (const name of ["get_image", "delete_image", "transform_link"]) {
        const args = name === "transform_link" ? { id, w: 10 } : { id };
        const r = await tool(t, name, args, auth);
        assert.ok(r.isError, `${name}(${id}) answered ${r.status}: ${JSON.stringify(r.body)}`);
        assert.ok(r.status === 404 || r.status === 422, `${name}(${id}): ${r.status}`);
      }
    }
    const listed = await tool(t, "list_images", { cursor: "x&limit=1000", limit: 1 }, auth);
    assert.equal(listed.status, 422);
    // The key list is untouched and no key was revoked.
    assert.equal(await status(withKey(t, key, "/v1/keys")), 200);
  });
});
