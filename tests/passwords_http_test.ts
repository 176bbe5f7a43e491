import assert from "node:assert/strict";
import { ORIGIN, postForm, register, sessionCookieOf } from "./support/accounts.ts";
import { withApp } from "./support/http.ts";

Deno.test("register refuses 'password' and other common or short passwords with 422, no session", async () => {
  await withApp(async (t) => {
    for (
      const [password, says] of [
        ["password", /at least 10/],
        ["123456789", /at least 10/],
        ["password1234", /most common passwords/],
        ["Qwertyuiop", /most common passwords/],
        ["ada.lovelace@x.test", /your e-mail address/],
      ]
    ) {
      const res = await postForm(t, "/auth/register", {
        email: "ada.lovelace@x.test",
        password: String(password),
      });
      const html = await res.text();
      assert.equal(res.status, 422, `${password}: ${html.slice(0, 200)}`);
      assert.match(html, says as RegExp);
      assert.equal(sessionCookieOf(res), null);
      // The form comes back with the address kept and the rule shown beside the field.
      assert.match(html, /value="ada.lovelace@x.test"/);
      assert.match(html, /At least 10 characters/);
    }
  });
});

Deno.test("an API client registering with a weak password gets the envelope with a fix action", async () => {
  await withApp(async (t) => {
    const res = await t.app.request("/auth/register", {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
        origin: ORIGIN,
      },
      body: new URLSearchParams({ email: "api@x.test", password: "password" }),
    });
    const body = await res.json();
    assert.equal(res.status, 422);
    assert.equal(body.error, "validation_error");
    assert.equal(body.action.type, "fix");
    assert.equal(body.action.field, "password");
    assert.match(body.action.hint, /longer password/);
  });
});

Deno.test("registering a taken address says it is registered, links to login, and is rate limited like login", async () => {
  await withApp(async (t) => {
    await register(t, "taken@example.test", "the right password");
    for (let i = 0; i < 2; i++) {
      const res = await postForm(t, "/auth/register", {
        email: "taken@example.test",
        password: "another good password",
      });
      const html = await res.text();
      assert.equal(res.status, 409);
      assert.match(html, /already registered/);
      assert.match(html, /href="\/auth\/login\?email=taken%40example.test"/);
      assert.equal(sessionCookieOf(res), null);
    }
    const blocked = await postForm(t, "/auth/register", {
      email: "taken@example.test",
      password: "another good password",
    });
    assert.equal(blocked.status, 429, await blocked.text());
    assert.ok(Number(blocked.headers.get("retry-after")) > 0);
    // The login link's page has the address filled in.
    const login = await (await t.app.request("/auth/login?email=taken%40example.test")).text();
    assert.match(login, /value="taken@example.test"/);
  }, { LOGIN_FAILURES_PER_15_MIN: "2" });
});

Deno.test("register refuses ten spaces and other long patterns with 422 and the rule", async () => {
  await withApp(async (t) => {
    for (const password of [" ".repeat(10), "1111111111", "qwertyqwerty", "0987654321"]) {
      const res = await postForm(t, "/auth/register", { email: "pat@x.test", password });
      const html = await res.text();
      assert.equal(res.status, 422, JSON.stringify(password));
      assert.match(html, /pattern/);
      assert.equal(sessionCookieOf(res), null);
    }
  });
});
