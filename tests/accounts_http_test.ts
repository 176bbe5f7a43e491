import assert from "node:assert/strict";
import {
  account,
  API_KEY_PATTERN,
  createKey,
  drain,
  keyedUpload,
  ORIGIN,
  postForm,
  register,
  sessionCookieOf,
  sessionJson,
  signUp,
  smallImage,
  withKey,
} from "./support/accounts.ts";
import { expectError, postUpload, withApp } from "./support/http.ts";
import { uploadForm } from "./support/test_app.ts";

const PASSWORD = "correct horse battery";

Deno.test("registering answers 303 with an HttpOnly, SameSite=Lax session cookie (no Secure on http)", async () => {
  await withApp(async (t) => {
    const res = await postForm(t, "/auth/register", { email: "ada@x.test", password: PASSWORD });
    assert.equal((await drain(res)).status, 303);
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith("imgpro_session="))!;
    assert.match(setCookie, /;\s*HttpOnly/i);
    assert.match(setCookie, /;\s*SameSite=Lax/i);
    assert.doesNotMatch(setCookie, /;\s*Secure/i);
    // The cookie logs the person in: the account API answers with their address.
    const me = await sessionJson(t, sessionCookieOf(res)!, "GET", "/v1/account");
    const body = await me.json();
    assert.equal(me.status, 200, JSON.stringify(body));
    assert.equal(body.email, "ada@x.test");
  });
});

Deno.test("the session cookie is Secure and __Host- prefixed when PUBLIC_URL is https", async () => {
  await withApp(async (t) => {
    const res = await t.app.request("/auth/register", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://img.test" },
      body: new URLSearchParams({ email: "sec@example.test", password: PASSWORD }),
    });
    assert.equal((await drain(res)).status, 303);
    const setCookie = res.headers.getSetCookie().find((c) =>
      c.startsWith("__Host-imgpro_session=")
    );
    assert.match(setCookie ?? "", /;\s*Secure/i);
    assert.match(setCookie ?? "", /;\s*HttpOnly/i);
  }, { PUBLIC_URL: "https://img.test" });
});

Deno.test("an e-mail address can register only once, whatever its case, even concurrently", async () => {
  await withApp(async (t) => {
    const tries = await Promise.all(
      ["twice@example.test", "Twice@Example.test"].map((email) =>
        postForm(t, "/auth/register", { email, password: PASSWORD })
      ),
    );
    const statuses = [];
    for (const res of tries) {
      const html = await res.text();
      statuses.push(res.status);
      if (res.status === 409) assert.match(html, /already exists/);
      assert.equal(sessionCookieOf(res) !== null, res.status === 303, "a session only on success");
    }
    assert.deepEqual(statuses.sort(), [303, 409]);
  });
});

Deno.test("a bad e-mail or a short password is refused with 422 and no session", async () => {
  await withApp(async (t) => {
    for (
      const fields of [
        { email: "not-an-email", password: PASSWORD },
        { email: "short@example.test", password: "1234567" },
        { email: "", password: "" },
      ]
    ) {
      const res = await postForm(t, "/auth/register", fields);
      const html = await res.text();
      assert.equal(res.status, 422, `${JSON.stringify(fields)}: ${html}`);
      assert.equal(sessionCookieOf(res), null);
    }
  });
});

Deno.test("a register form posted from another site is refused with 403", async () => {
  await withApp(async (t) => {
    const res = await postForm(
      t,
      "/auth/register",
      { email: "csrf@example.test", password: PASSWORD },
      { origin: "http://evil.test" },
    );
    const text = await res.text();
    assert.equal(sessionCookieOf(res), null, "no session");
    assert.equal(res.status, 403, `cross-origin form POST answered ${res.status}: ${text}`);
  });
});

Deno.test("logging in: a wrong password is 401, the right one 303 with a session", async () => {
  await withApp(async (t) => {
    await register(t, "login@example.test", PASSWORD);
    const wrong = await postForm(t, "/auth/login", {
      email: "login@example.test",
      password: "wrong password",
    });
    await drain(wrong);
    assert.equal(wrong.status, 401);
    assert.equal(sessionCookieOf(wrong), null);
    const right = await postForm(t, "/auth/login", {
      email: "LOGIN@example.test",
      password: PASSWORD,
    });
    await drain(right);
    assert.equal(right.status, 303);
    assert.ok(sessionCookieOf(right));
  });
});

Deno.test("repeated login failures are rate limited with 429 and Retry-After", async () => {
  await withApp(async (t) => {
    await register(t, "brute@example.test", PASSWORD);
    for (let i = 0; i < 2; i++) {
      const res = await postForm(t, "/auth/login", {
        email: "brute@example.test",
        password: `guess${i}xx`,
      });
      await drain(res);
      assert.equal(res.status, 401);
    }
    // Blocked now, even with the right password.
    const blocked = await postForm(t, "/auth/login", {
      email: "brute@example.test",
      password: PASSWORD,
    });
    await drain(blocked);
    assert.equal(blocked.status, 429);
    const retry = Number(blocked.headers.get("retry-after"));
    assert.ok(retry > 0 && retry <= 900, `Retry-After ${retry}`);
    assert.equal(sessionCookieOf(blocked), null);
    // After the window, logging in works again.
    t.clock.advance(retry * 1000);
    const later = await postForm(t, "/auth/login", {
      email: "brute@example.test",
      password: PASSWORD,
    });
    await drain(later);
    assert.equal(later.status, 303);
  }, { LOGIN_FAILURES_PER_15_MIN: "2" });
});

Deno.test("logging out ends the session", async () => {
  await withApp(async (t) => {
    const cookie = await register(t, "bye@example.test", PASSWORD);
    const before = await sessionJson(t, cookie, "GET", "/v1/keys");
    await drain(before);
    assert.equal(before.status, 200);
    const out = await postForm(t, "/auth/logout", {}, { cookie });
    await drain(out);
    assert.equal(out.status, 303);
    assert.match(out.headers.getSetCookie().join("\n"), /imgpro_session=;/);
    await expectError(
      await sessionJson(t, cookie, "GET", "/v1/keys"),
      401,
      "unauthorized",
      "register",
    );
  });
});

Deno.test("a logged-in person creates a key shown once; the list never shows the secret", async () => {
  await withApp(async (t) => {
    const cookie = await register(t, "keys@example.test", PASSWORD);
    const res = await sessionJson(t, cookie, "POST", "/v1/keys", { name: "laptop" });
    const created = await res.json();
    assert.equal(res.status, 201, JSON.stringify(created));
    assert.match(created.key, API_KEY_PATTERN);
    assert.equal(created.name, "laptop");
    assert.equal(typeof created.key_id, "string");
    assert.equal(created.created_at, Math.floor(t.clock.now() / 1000));

    const list = await sessionJson(t, cookie, "GET", "/v1/keys");
    const text = await list.text();
    assert.equal(list.status, 200, text);
    assert.ok(!text.includes(created.key), "the secret is not listed");
    assert.ok(!text.includes(created.key.slice(13)), "not even its tail");
    const { data } = JSON.parse(text);
    assert.equal(data.length, 1);
    assert.equal(data[0].key_id, created.key_id);
    assert.equal(data[0].name, "laptop");
    assert.ok(created.key.startsWith(data[0].prefix), "the prefix tells keys apart");
  });
});

Deno.test("a session cookie sent from another site does not create keys", async () => {
  await withApp(async (t) => {
    const cookie = await register(t, "xsite@example.test", PASSWORD);
    const res = await t.app.request("/v1/keys", {
      method: "POST",
      headers: { cookie, origin: "http://evil.test", "content-type": "application/json" },
      body: JSON.stringify({ name: "stolen" }),
    });
    await expectError(res, 401, "unauthorized", "register");
    const list = await (await sessionJson(t, cookie, "GET", "/v1/keys")).json();
    assert.deepEqual(list.data, []);
  });
});

Deno.test("an upload with a key is permanent and reports exact quota headers and usage", async () => {
  await withApp(async (t) => {
    const { key } = await signUp(t);
    const gif = await smallImage();
    const res = await keyedUpload(t, key, gif, "a.gif");
    const body = await res.json();
    assert.equal(res.status, 201, JSON.stringify(body));
    assert.equal(body.filesize, gif.length);
    assert.equal(body.expires_at, undefined, "permanent");
    assert.equal(body.upgrade, undefined, "no register nudge");
    assert.equal(body.delete_url, undefined, "the owner deletes with the key");
    assert.equal(res.headers.get("x-quota-uploads-used"), "1");
    assert.equal(res.headers.get("x-quota-uploads-limit"), "100");
    assert.equal(res.headers.get("x-quota-storage-used"), String(gif.length));

    const second = await keyedUpload(t, key, gif, "b.gif");
    await drain(second);
    assert.equal(second.headers.get("x-quota-uploads-used"), "2");
    assert.equal(second.headers.get("x-quota-storage-used"), String(2 * gif.length));

    const me = await account(t, key);
    assert.deepEqual(me.usage, {
      plan: "free",
      uploads_used: 2,
      uploads_limit: 100,
      storage_used_bytes: 2 * gif.length,
      storage_limit_bytes: 5_000_000_000,
      period: "2026-11",
    });
  });
});

Deno.test("a revoked key is refused with 401 unauthorized and an action", async () => {
  await withApp(async (t) => {
    const cookie = await register(t, "revoke@example.test", PASSWORD);
    const created = await createKey(t, cookie, "old");
    await drain(await withKey(t, created.key, "/v1/account"));
    const del = await withKey(t, created.key, `/v1/keys/${created.key_id}`, { method: "DELETE" });
    await drain(del);
    assert.equal(del.status, 204);
    const body = await expectError(
      await withKey(t, created.key, "/v1/account"),
      401,
      "unauthorized",
    );
    assert.equal(body.action.field, "Authorization");
    const up = await keyedUpload(t, created.key, await smallImage());
    await expectError(up, 401, "unauthorized");
    const list = await (await sessionJson(t, cookie, "GET", "/v1/keys")).json();
    assert.equal(typeof list.data[0].revoked_at, "number");
  });
});

Deno.test("an unknown or malformed key is 401, never a silent anonymous upload", async () => {
  await withApp(async (t) => {
    const gif = await smallImage();
    const unknown = "img_live_" + "A".repeat(43);
    for (
      const auth of [`Bearer ${unknown}`, "Bearer img_live_short", "Bearer nonsense", "Basic abc"]
    ) {
      const res = await t.app.request("/v1/upload", {
        method: "POST",
        headers: { authorization: auth },
        body: uploadForm(gif, "a.gif"),
      });
      await expectError(res, 401, "unauthorized");
    }
    await expectError(await withKey(t, unknown, "/v1/account"), 401, "unauthorized");
    await expectError(await t.app.request("/v1/account"), 401, "unauthorized", "register");
  });
});

Deno.test("the upload size limit depends on the caller: larger with a key", async () => {
  await withApp(async (t) => {
    const { key } = await signUp(t);
    const gif = await smallImage(); // 4,438 bytes: above the anonymous 2,000, below 8,000
    const anon = await postUpload(t, gif, "a.gif");
    const body = await expectError(anon, 413, "file_too_large", "register");
    assert.equal(body.action.url, `${ORIGIN}/auth/register?from_cta=api`);
    const keyed = await keyedUpload(t, key, gif, "a.gif");
    await drain(keyed);
    assert.equal(keyed.status, 201);
    const big = new Uint8Array(9_000);
    big.set(gif);
    await expectError(await keyedUpload(t, key, big, "big.gif"), 413, "file_too_large", "fix");
  }, { ANON_MAX_BYTES: "2000", ACCOUNT_MAX_BYTES: "8000" });
});
