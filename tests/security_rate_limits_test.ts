/**
 * Security review: rate limits on login, sign-up and anonymous uploads (web form, /v1/upload
 * and MCP batches), per client address, IPv6 per /64, and X-Forwarded-For only behind a proxy.
 *
 * The tests under "now fixed" encode a weakness the review found and the service no longer has; the
 * "resisted: …" ones are attacks it resisted from the start. All stay, so neither comes back.
 */
import assert from "node:assert/strict";
import { encodeBase64Url } from "../src/encoding.ts";
import {
  distinctImage,
  drain,
  ORIGIN,
  postForm,
  register,
  sessionCookieOf,
} from "./support/accounts.ts";
import { postUpload, withApp } from "./support/http.ts";
import { FORM, mcp, rawPost, status, toolCall, type ToolResult } from "./support/security.ts";

// ---------------------------------------------------------------------------------------------
// Weaknesses the review found, now fixed

Deno.test("login rate limit: a burst of concurrent guesses checks at most the limit, the rest are 429", async () => {
  // routes/auth_pages.tsx checks blockedFor() before verifying and counts the failure after the
  // slow PBKDF2, so every request of a burst sees the counter at 0.
  await withApp(async (t) => {
    await register(t, "victim@example.test", "the right password");
    const guesses = Array.from({ length: 20 }, (_, i) => `wrong guess ${i}`);
    guesses.push("the right password");
    const results = await Promise.all(
      guesses.map((password) =>
        postForm(t, "/auth/login", { email: "victim@example.test", password })
      ),
    );
    const statuses = await Promise.all(results.map(status));
    const wrongChecked = statuses.slice(0, 20).filter((s) => s === 401).length;
    assert.ok(
      wrongChecked <= 3,
      `${wrongChecked} wrong passwords were checked against a limit of 3 (${statuses})`,
    );
    // Which requests of a burst get the places is not ordered, so the right password may be one of
    // them (a success gives its place back); every request beyond the places is refused.
    const refused = statuses.filter((s) => s === 429).length;
    assert.equal(
      wrongChecked + refused + statuses.filter((s) => s === 303).length,
      21,
      `${statuses}`,
    );
    assert.ok(refused >= 17, `${refused} refused (${statuses})`);
  }, { LOGIN_FAILURES_PER_15_MIN: "3" });
});

Deno.test("anonymous rate limit: one MCP JSON-RPC batch stores no more images than the limit", async () => {
  await withApp(async (t) => {
    const batch = [];
    for (let i = 0; i < 8; i++) {
      batch.push(toolCall(i + 1, "upload_image", {
        data: encodeBase64Url(await distinctImage(i)),
      }));
    }
    const answers = await mcp(t, batch) as ToolResult[];
    const stored = answers.filter((a) => a.result?._meta?.http_status === 201).length;
    assert.ok(stored <= 2, `${stored} anonymous uploads from one request, limit 2 per hour`);
  }, { ANON_UPLOADS_PER_HOUR: "2" });
});

Deno.test("anonymous rate limit: concurrent /v1/upload requests store no more images than the limit", async () => {
  await withApp(async (t) => {
    const images = await Promise.all(Array.from({ length: 8 }, (_, i) => distinctImage(i)));
    const results = await Promise.all(images.map((b) => postUpload(t, b, "a.gif")));
    const statuses = await Promise.all(results.map(status));
    const stored = statuses.filter((s) => s === 201).length;
    assert.ok(stored <= 2, `${stored} anonymous uploads stored, limit 2 per hour (${statuses})`);
  }, { ANON_UPLOADS_PER_HOUR: "2" });
});

Deno.test("login rate limit counts one IPv6 /64 as one client", async () => {
  // TRUST_PROXY=1 only lets the test choose the client address; a real IPv6 peer is the same.
  await withApp(async (t) => {
    await register(t, "v6victim@example.test", "the right password");
    const attempt = (ip: string) =>
      rawPost(
        t,
        "/auth/login",
        new URLSearchParams({ email: "v6victim@example.test", password: "wrong" }),
        { "content-type": FORM, origin: ORIGIN, "x-forwarded-for": ip },
      );
    assert.equal(await status(attempt("2001:db8:1:2::1")), 401);
    assert.equal(await status(attempt("2001:db8:1:2::2")), 401);
    // The same /64 (one host's routine allocation): its budget is spent.
    assert.equal(await status(attempt("2001:db8:1:2::3")), 429);
  }, { LOGIN_FAILURES_PER_15_MIN: "2", TRUST_PROXY: "1" });
});

Deno.test("registration is refused 429 while the client's login is locked", async () => {
  await withApp(async (t) => {
    await register(t, "known@example.test", "the right password");
    for (let i = 0; i < 3; i++) {
      await status(postForm(t, "/auth/login", { email: "known@example.test", password: `x${i}` }));
    }
    assert.equal(
      await status(postForm(t, "/auth/login", { email: "known@example.test", password: "y" })),
      429,
      "login is locked for this client",
    );
    // Login hides which addresses exist (same message, dummy hash); register tells, unlimited,
    // and costs a 600,000-iteration PBKDF2 each time.
    const probe = await postForm(t, "/auth/register", {
      email: "known@example.test",
      password: "whatever-123",
    });
    const html = await probe.text();
    assert.equal(probe.status, 429, `register answered ${probe.status}: ${html.slice(0, 200)}`);
  }, { LOGIN_FAILURES_PER_15_MIN: "3" });
});

// ---------------------------------------------------------------------------------------------
// Login rate limit (resisted)

Deno.test("resisted: login failures are limited per client; X-Forwarded-For is ignored without TRUST_PROXY", async () => {
  await withApp(async (t) => {
    await register(t, "xff@example.test", "the right password");
    const attempt = (password: string, ip: string) =>
      rawPost(t, "/auth/login", new URLSearchParams({ email: "xff@example.test", password }), {
        "content-type": FORM,
        origin: ORIGIN,
        "x-forwarded-for": ip,
      });
    for (let i = 0; i < 3; i++) assert.equal(await status(attempt("nope", `198.51.100.${i}`)), 401);
    const blocked = await attempt("the right password", "203.0.113.9");
    await drain(blocked);
    assert.equal(blocked.status, 429, "a spoofed X-Forwarded-For does not reset the budget");
    assert.ok(Number(blocked.headers.get("retry-after")) > 0);
    assert.equal(sessionCookieOf(blocked), null, "the right password is refused while blocked");
    // Unknown addresses and wrong passwords look the same.
    const other = await postForm(t, "/auth/login", {
      email: "nobody@example.test",
      password: "whatever",
    });
    await drain(other);
    assert.equal(other.status, 429);
  }, { LOGIN_FAILURES_PER_15_MIN: "3" });
  await withApp(async (t) => {
    await register(t, "same@example.test", "the right password");
    const unknown = await postForm(t, "/auth/login", {
      email: "nobody@example.test",
      password: "whatever",
    });
    const wrong = await postForm(t, "/auth/login", {
      email: "same@example.test",
      password: "whatever",
    });
    const a = (await unknown.text()).match(/class="error">([^<]*)/)?.[1];
    const b = (await wrong.text()).match(/class="error">([^<]*)/)?.[1];
    assert.equal(unknown.status, wrong.status);
    assert.equal(a, b, "same message for an unknown address and a wrong password");
  });
});

Deno.test("accounts created per client are limited per hour; a taken address does not use the allowance", async () => {
  await withApp(async (t) => {
    const PW = "a long enough passphrase";
    await register(t, "one@x.test", PW);
    const taken = await postForm(t, "/auth/register", { email: "one@x.test", password: PW });
    assert.equal(taken.status, 409);
    await taken.body?.cancel();
    await register(t, "two@x.test", PW);
    const third = await postForm(t, "/auth/register", { email: "three@x.test", password: PW });
    const html = await third.text();
    assert.equal(third.status, 429, html);
    assert.match(html, /Too many accounts were created/);
    assert.ok(Number(third.headers.get("retry-after")) > 0);
    assert.equal(sessionCookieOf(third), null);
    // Logging in is not affected.
    const login = await postForm(t, "/auth/login", { email: "two@x.test", password: PW });
    assert.equal(login.status, 303);
    await login.body?.cancel();
  }, { SIGNUPS_PER_HOUR: "2" });
});
