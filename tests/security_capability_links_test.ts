/**
 * Security review: links that carry their own authority: signed upgrade links and delete_url
 * tokens.
 *
 * The tests under "now fixed" encode a weakness the review found and the service no longer has; the
 * "resisted: …" ones are attacks it resisted from the start. All stay, so neither comes back.
 */
import assert from "node:assert/strict";
import { upgradeUrl } from "../src/accounts/upgrade_links.ts";
import { toUnixSeconds } from "../src/clock.ts";
import { account, distinctImage, ORIGIN, signUp, withKey } from "./support/accounts.ts";
import { expectError, type ImageJson, uploadOk, withApp } from "./support/http.ts";
import { rawPost, status } from "./support/security.ts";

// ---------------------------------------------------------------------------------------------
// Upgrade links and delete_url tokens (resisted)

Deno.test("resisted: upgrade links are bound to account, plan and expiry", async () => {
  await withApp(async (t) => {
    const a = await signUp(t);
    const b = await signUp(t);
    const now = toUnixSeconds(t.clock.now());
    const link = new URL(await upgradeUrl(ORIGIN, t.services.secret, a.accountId, "pro", now));
    const q = Object.fromEntries(link.searchParams);
    const post = (path: string, params: Record<string, string>) =>
      rawPost(t, `${path}?${new URLSearchParams(params)}`, null, { origin: ORIGIN });
    const forged: [string, Record<string, string>][] = [
      ["/upgrade/max", q],
      ["/upgrade/pro", { ...q, account: b.accountId }],
      ["/upgrade/pro", { ...q, exp: String(Number(q.exp) + 86_400) }],
      ["/upgrade/pro", { ...q, sig: q.sig.toUpperCase() }],
      ["/upgrade/pro", { ...q, sig: q.sig.slice(0, -1) }],
      ["/upgrade/pro", { ...q, sig: "" }],
      ["/upgrade/pro", { account: q.account, exp: q.exp }],
      ["/upgrade/__proto__", q],
    ];
    for (const [path, params] of forged) {
      const res = await post(path, params);
      const text = await res.text();
      assert.equal(res.status, 403, `${path} ${JSON.stringify(params)}: ${text}`);
    }
    assert.equal((await account(t, a.key)).usage.plan, "free");
    assert.equal((await account(t, b.key)).usage.plan, "free");
    // GET only shows the page; an expired link is refused.
    assert.equal(await status(t.app.request(link.pathname + link.search)), 200);
    assert.equal((await account(t, a.key)).usage.plan, "free");
    t.clock.advance(8 * 86_400_000);
    assert.equal(await status(post("/upgrade/pro", q)), 403);
    assert.equal((await account(t, a.key)).usage.plan, "free");
  });
});

Deno.test("resisted: delete_url tokens are secret, exact and image-bound", async () => {
  await withApp(async (t) => {
    const one = await uploadOk(t, await distinctImage(1), "a.gif") as ImageJson & {
      delete_url: string;
    };
    const two = await uploadOk(t, await distinctImage(2), "b.gif") as ImageJson & {
      delete_url: string;
    };
    const token = one.delete_url.split("/").pop()!;
    assert.match(token, /^[A-Za-z0-9_-]{32}$/, "24 random bytes");
    const tries = [
      `/delete/${one.id}/${token.slice(0, -1)}`,
      `/delete/${one.id}/${token.toUpperCase()}`,
      `/delete/${one.id}/${token}x`,
      `/delete/${two.id}/${token}`,
      `/delete/${one.id}/${"A".repeat(32)}`,
    ];
    for (const path of tries) {
      await expectError(await t.app.request(path, { method: "DELETE" }), 404, "not_found");
      await expectError(await t.app.request(path), 404, "not_found");
      assert.equal(await status(rawPost(t, path, null, { origin: ORIGIN })), 404);
    }
    // The GET confirmation page deletes nothing; nobody else is told the token.
    assert.equal(await status(t.app.request(new URL(one.delete_url).pathname)), 200);
    assert.equal(await status(t.app.request(`/${one.id}`)), 200);
    const pub = await (await t.app.request(`/v1/images/${one.id}`)).json();
    assert.equal(pub.delete_url, undefined);
    assert.ok(!JSON.stringify(pub).includes(token));
    const { key } = await signUp(t);
    const keyed = await (await withKey(t, key, `/v1/images/${one.id}`)).json();
    assert.ok(!JSON.stringify(keyed).includes(token));
    // The real token works, on its own image only.
    const ok = await t.app.request(new URL(one.delete_url).pathname, { method: "DELETE" });
    assert.equal(await status(ok), 204);
    assert.equal(await status(t.app.request(`/${one.id}`)), 410);
    assert.equal(await status(t.app.request(`/${two.id}`)), 200);
  });
});
