/**
 * Security review: session cookies and tokens, logout, CSRF on dashboard forms, and session
 * cookies sent to /v1 from other origins.
 *
 * The tests under "now fixed" encode a weakness the review found and the service no longer has; the
 * "resisted: …" ones are attacks it resisted from the start. All stay, so neither comes back.
 */
import assert from "node:assert/strict";
import { upgradeUrl } from "../src/accounts/upgrade_links.ts";
import { toUnixSeconds } from "../src/clock.ts";
import {
  account,
  distinctImage,
  drain,
  ORIGIN,
  postForm,
  register,
  sessionCookieOf,
  sessionJson,
  signUp,
  withKey,
} from "./support/accounts.ts";
import { type ImageJson, uploadOk, withApp } from "./support/http.ts";
import {
  EVIL,
  forgedVariants,
  keyedImage,
  ownerView,
  rawPost,
  status,
} from "./support/security.ts";

// ---------------------------------------------------------------------------------------------
// Weaknesses the review found, now fixed

Deno.test("a session cookie only counts under the name the service sets, and logout ends it", async () => {
  // Was: src/http/caller.ts accepted (and preferred) `__Host-imgpro_session` on http too, and
  // logout only destroyed `imgpro_session`, so a session under the other name survived logout.
  await withApp(async (t) => {
    const { cookie } = await signUp(t);
    const hostCookie = `__Host-imgpro_session=${cookie.split("=")[1]}`;
    assert.equal(await status(t.app.request("/account", { headers: { cookie: hostCookie } })), 303);
    assert.equal(await status(t.app.request("/account", { headers: { cookie } })), 200);
    assert.equal(await status(postForm(t, "/auth/logout", {}, { cookie })), 303);
    assert.equal(await status(t.app.request("/account", { headers: { cookie } })), 303);
  });
});

// ---------------------------------------------------------------------------------------------
// Authentication and sessions (resisted)

Deno.test("resisted: session cookie is HttpOnly, SameSite=Lax, Path=/, Secure on https; token is opaque", async () => {
  for (const [url, secure] of [["http://img.test", false], ["https://img.test", true]] as const) {
    await withApp(async (t) => {
      const res = await postForm(
        t,
        "/auth/register",
        { email: "flags@example.test", password: "correct horse battery" },
        { origin: url },
      );
      await drain(res);
      // On https the name carries the __Host- prefix, which browsers only accept host-only and Secure.
      const name = secure ? "__Host-imgpro_session=" : "imgpro_session=";
      const header = res.headers.getSetCookie().find((c) => c.startsWith(name))!;
      assert.ok(header, "a session cookie is set");
      assert.match(header, /; HttpOnly/);
      assert.match(header, /; SameSite=Lax/);
      assert.match(header, /; Path=\//);
      assert.equal(/; Secure/.test(header), secure, header);
      assert.doesNotMatch(header, /Domain=/i);
      const token = header.split(";")[0].split("=")[1];
      assert.match(token, /^[A-Za-z0-9_-]{43}$/, "32 random bytes, base64url");
      // KV holds the token's hash only.
      for await (const e of t.kv.list({ prefix: ["session"] })) {
        assert.ok(!JSON.stringify(e.key).includes(token));
        assert.ok(!JSON.stringify(e.value).includes(token));
      }
    }, { PUBLIC_URL: url });
  }
});

Deno.test("resisted: forged or unknown session tokens are anonymous", async () => {
  await withApp(async (t) => {
    const { cookie } = await signUp(t);
    const token = cookie.split("=")[1];
    const forged = [
      token.slice(0, -1) + (token.endsWith("A") ? "B" : "A"),
      token.toUpperCase(),
      "x".repeat(43),
      "",
      "../../etc/passwd",
    ];
    for (const value of forged) {
      const res = await t.app.request("/account", {
        headers: { cookie: `imgpro_session=${value}` },
      });
      await drain(res);
      assert.equal(res.status, 303, value);
      assert.equal(res.headers.get("location"), "/auth/login");
    }
  });
});

Deno.test("resisted: logout destroys the session server-side, not just the cookie", async () => {
  await withApp(async (t) => {
    const { cookie } = await signUp(t);
    const out = await postForm(t, "/auth/logout", {}, { cookie });
    await drain(out);
    assert.equal(out.status, 303);
    assert.match(out.headers.getSetCookie().join("\n"), /imgpro_session=;.*Max-Age=0/);
    // A copy of the old cookie (stolen, or another tab) no longer works anywhere.
    assert.equal(await status(t.app.request("/account", { headers: { cookie } })), 303);
    assert.equal(await status(sessionJson(t, cookie, "GET", "/v1/images")), 401);
    // GET /auth/logout only offers the button.
    const { cookie: c2 } = await signUp(t);
    assert.equal(await status(t.app.request("/auth/logout", { headers: { cookie: c2 } })), 200);
    assert.equal(await status(t.app.request("/account", { headers: { cookie: c2 } })), 200);
  });
});

Deno.test("resisted: every dashboard form refuses cross-site POSTs (Hono csrf) and changes nothing", async () => {
  await withApp(async (t) => {
    const { cookie, key, accountId } = await signUp(t, "csrf@example.test");
    const keys = async () => (await (await withKey(t, key, "/v1/keys")).json()).data.length;
    const before = await keys();
    const anon = await uploadOk(t, await distinctImage(1), "a.gif");
    const del = new URL((anon as ImageJson & { delete_url: string }).delete_url).pathname;
    const now = toUnixSeconds(t.clock.now());
    const upgrade = new URL(
      await upgradeUrl(ORIGIN, t.services.secret, accountId, "pro", now),
    );
    const keyId = (await (await withKey(t, key, "/v1/keys")).json()).data[0].key_id;

    const targets: [string, Record<string, string>, string | undefined][] = [
      ["/auth/login", { email: "csrf@example.test", password: "correct horse battery" }, undefined],
      ["/auth/register", { email: "forged@example.test", password: "forged-password" }, undefined],
      ["/auth/logout", {}, cookie],
      ["/keys", { name: "forged" }, cookie],
      [`/keys/${keyId}/revoke`, {}, cookie],
      [upgrade.pathname + upgrade.search, {}, cookie],
      [del, {}, undefined],
    ];
    for (const [path, fields, withCookie] of targets) {
      for (const v of forgedVariants(fields, withCookie)) {
        const res = await rawPost(t, path, v.body(), v.headers);
        const text = await res.text();
        assert.equal(res.status, 403, `${path} (${v.name}): ${res.status} ${text.slice(0, 120)}`);
        assert.equal(sessionCookieOf(res), null, `${path} (${v.name}) set a session`);
        assert.equal(JSON.parse(text).error, "forbidden");
      }
    }
    // Nothing happened: no key created or revoked, no plan change, image live, still logged in,
    // and the forged address is still free.
    assert.equal(await keys(), before);
    assert.equal((await account(t, key)).usage.plan, "free");
    assert.equal(await status(t.app.request(`/${anon.id}`)), 200);
    assert.equal(await status(t.app.request("/account", { headers: { cookie } })), 200);
    await register(t, "forged@example.test", "a real password");
  });
});

Deno.test("resisted: a session cookie on /v1 from another origin acts as nobody", async () => {
  await withApp(async (t) => {
    const { cookie, key } = await signUp(t);
    const img = await keyedImage(t, key, "original");
    const crossSite: Record<string, string>[] = [
      { origin: EVIL },
      { origin: "null" },
      { origin: "http://static.img.test" },
      { origin: "https://img.test" }, // other scheme, other origin
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site" },
    ];
    for (const h of crossSite) {
      const headers = { cookie, ...h, "content-type": "application/json" };
      const req = (method: string, path: string, body?: unknown) =>
        t.app.request(path, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      const label = JSON.stringify(h);
      assert.equal(await status(req("POST", "/v1/keys", { name: "x" })), 401, label);
      assert.equal(await status(req("GET", "/v1/keys")), 401, label);
      assert.equal(await status(req("GET", "/v1/images")), 401, label);
      assert.equal(await status(req("GET", "/v1/account")), 401, label);
      assert.equal(await status(req("PATCH", `/v1/images/${img.id}`, { caption: "p" })), 401);
      assert.equal(await status(req("DELETE", `/v1/images/${img.id}`)), 401, label);
      assert.equal(await status(req("POST", `/v1/images/${img.id}/links`, { w: 10 })), 401);
      const pub = await req("GET", `/v1/images/${img.id}`);
      const body = await pub.json();
      assert.equal(body.version, undefined, `owner view leaked to ${label}`);
      assert.equal(pub.headers.get("etag"), null);
    }
    assert.equal((await ownerView(t, key, img.id)).caption, "original");
    // Baseline: our own page's requests are the person.
    assert.equal(await status(sessionJson(t, cookie, "GET", "/v1/images")), 200);
  });
});
