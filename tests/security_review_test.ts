/**
 * Security review: authentication and sessions, API keys, image authorization, MCP, the URL
 * importer, SVG sanitising, response headers, error bodies and HTML escaping.
 *
 * Tests named "fixed: …" encode a weakness the review found and the service no longer has; the
 * "resisted: …" ones are attacks it resisted from the start. All stay, so neither comes back.
 */
import assert from "node:assert/strict";
import { OpenAPIHono } from "@hono/zod-openapi";
import { importRoutes } from "../routes/import.ts";
import { upgradeUrl } from "../src/accounts/upgrade_links.ts";
import { toUnixSeconds } from "../src/clock.ts";
import { ConfigError, loadConfig } from "../src/config.ts";
import { encodeBase64Url } from "../src/encoding.ts";
import { SafeFetcher } from "../src/fetcher/mod.ts";
import { type Connector, pinnedConnector, type Resolver } from "../src/fetcher/network.ts";
import { callerMiddleware } from "../src/http/caller.ts";
import { onError } from "../src/http/error_handler.ts";
import type { AppEnv } from "../src/http/types.ts";
import { sanitizeSvg } from "../src/imaging/svg_sanitize.ts";
import {
  account,
  API_KEY_PATTERN,
  createKey,
  distinctImage,
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
import {
  expectError,
  type ImageJson,
  postUpload,
  type TestApp,
  uploadOk,
  withApp,
} from "./support/http.ts";
import { hostPort, postImport, withImportApp } from "./support/import_http.ts";
import { withOrigin } from "./support/import_origin.ts";
import { testApp } from "./support/test_app.ts";

const EVIL = "https://evil.example";
const FORM = "application/x-www-form-urlencoded";
const enc = new TextEncoder();

// ---------------------------------------------------------------------------------------------
// Helpers

/** A raw POST with exactly the headers given (postForm always adds our own Origin). */
function rawPost(
  t: TestApp,
  path: string,
  body: BodyInit | null,
  headers: Record<string, string>,
): Promise<Response> {
  return Promise.resolve(t.app.request(path, { method: "POST", body, headers }));
}

/** The ways a cross-site (or same-site sibling) page can send a form POST. */
function forgedVariants(fields: Record<string, string>, cookie?: string) {
  const withCookie = (h: Record<string, string>) => (cookie ? { ...h, cookie } : h);
  const form = () => new URLSearchParams(fields);
  const multipart = () => {
    const f = new FormData();
    for (const [k, v] of Object.entries(fields)) f.append(k, v);
    return f;
  };
  return [
    {
      name: "Origin: evil",
      body: form,
      headers: withCookie({ "content-type": FORM, origin: EVIL }),
    },
    {
      name: "Origin: null",
      body: form,
      headers: withCookie({ "content-type": FORM, origin: "null" }),
    },
    {
      name: "same-site sibling",
      body: form,
      headers: withCookie({ "content-type": FORM, origin: "http://static.img.test" }),
    },
    {
      name: "no Origin, Sec-Fetch-Site cross-site",
      body: form,
      headers: withCookie({ "content-type": FORM, "sec-fetch-site": "cross-site" }),
    },
    { name: "multipart from evil", body: multipart, headers: withCookie({ origin: EVIL }) },
    {
      name: "no content-type, no Origin",
      body: () => enc.encode(new URLSearchParams(fields).toString()),
      headers: withCookie({}),
    },
  ];
}

const MCP_HEADERS = {
  "content-type": "application/json",
  accept: "application/json, text/event-stream",
  "mcp-protocol-version": "2025-03-26",
};

type ToolResult = {
  result?: {
    isError?: boolean;
    structuredContent?: Record<string, unknown>;
    _meta?: { http_status?: number };
  };
  error?: unknown;
};

const toolCall = (id: number, name: string, args: Record<string, unknown>) => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: { name, arguments: args },
});

/** POST /mcp in-process; `messages` may be one JSON-RPC message or a batch. */
async function mcp(
  t: TestApp,
  messages: unknown,
  headers: Record<string, string> = {},
): Promise<ToolResult | ToolResult[]> {
  const res = await t.app.request("/mcp", {
    method: "POST",
    headers: { ...MCP_HEADERS, ...headers },
    body: JSON.stringify(messages),
  });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  return JSON.parse(text);
}

async function tool(
  t: TestApp,
  name: string,
  args: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  const out = await mcp(t, toolCall(1, name, args), headers) as ToolResult;
  assert.ok(out.result, JSON.stringify(out));
  return {
    status: out.result._meta?.http_status,
    isError: out.result.isError === true,
    body: out.result.structuredContent ?? {},
  };
}

async function keyedImage(t: TestApp, key: string, caption = "mine"): Promise<ImageJson> {
  const res = await keyedUpload(t, key, await smallImage(), "a.gif", { caption });
  const body = await res.json();
  assert.equal(res.status, 201, JSON.stringify(body));
  return body;
}

async function ownerView(t: TestApp, key: string, id: string) {
  const res = await withKey(t, key, `/v1/images/${id}`);
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  return body;
}

async function status(res: Response | Promise<Response>): Promise<number> {
  const r = await res;
  await drain(r);
  return r.status;
}

// ---------------------------------------------------------------------------------------------
// Weaknesses the review found, now fixed

Deno.test("fixed: login rate limit: concurrent guesses all pass the check, so the limit can be out-raced", async () => {
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
    assert.notEqual(statuses[20], 303, "the 21st guess of one burst must not log in");
  }, { LOGIN_FAILURES_PER_15_MIN: "3" });
});

Deno.test("fixed: anonymous rate limit: one MCP request with a JSON-RPC batch stores many images", async () => {
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

Deno.test("fixed: anonymous rate limit: concurrent /v1/upload requests all pass the check", async () => {
  await withApp(async (t) => {
    const images = await Promise.all(Array.from({ length: 8 }, (_, i) => distinctImage(i)));
    const results = await Promise.all(images.map((b) => postUpload(t, b, "a.gif")));
    const statuses = await Promise.all(results.map(status));
    const stored = statuses.filter((s) => s === 201).length;
    assert.ok(stored <= 2, `${stored} anonymous uploads stored, limit 2 per hour (${statuses})`);
  }, { ANON_UPLOADS_PER_HOUR: "2" });
});

Deno.test("fixed: rate limits are keyed on the full IPv6 address: one /64 gets endless login attempts", async () => {
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

Deno.test("fixed: registration is an unthrottled e-mail oracle that ignores the login lockout", async () => {
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

Deno.test("fixed: a session cookie only counts under the name the service sets, and logout ends it", async () => {
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

Deno.test("fixed: url_not_allowed tells a stranger what internal host names resolve to", async () => {
  const t = await testApp();
  try {
    const resolver: Resolver = {
      resolve: (host) =>
        Promise.resolve(host === "build.corp.example" ? ["10.20.30.40"] : ["93.184.216.34"]),
    };
    const deps = { ...t.services, version: "test" };
    const app = new OpenAPIHono<AppEnv>();
    app.use(callerMiddleware(deps));
    app.onError(onError);
    importRoutes(
      app,
      deps,
      new SafeFetcher({ allowHosts: [], timeoutMs: 1000, userAgent: "test", resolver }),
    );
    const res = await app.request("/v1/import", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ url: "http://build.corp.example/logo.png" }),
    });
    const body = await expectError(res, 422, "url_not_allowed");
    assert.doesNotMatch(JSON.stringify(body), /10\.20\.30\.40/, "the private address leaked");
  } finally {
    t.close();
  }
});

Deno.test("fixed: key ids named after Object.prototype members crash revocation with a 500", async () => {
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

Deno.test("fixed: /images?cursor=<junk> is an unhandled 500 (the API answers 422)", async () => {
  await withApp(async (t) => {
    const { cookie } = await signUp(t);
    const res = await t.app.request("/images?cursor=garbage", { headers: { cookie } });
    const text = await res.text();
    assert.ok(res.status < 500, `answered ${res.status}: ${text.slice(0, 200)}`);
  });
});

Deno.test("fixed: IMPORT_ALLOW_HOSTS accepts junk after the port and allows a different endpoint", () => {
  // src/fetcher/url_policy.ts normaliseHostPort takes the port from the text's tail, while the
  // URL parser reads 8080 and drops the fragment/query: "127.0.0.1:8080#:80" allows port 80.
  for (const entry of ["127.0.0.1:8080#:80", "127.0.0.1:8080?:80"]) {
    assert.throws(
      () => loadConfig({ KV_PATH: ":memory:", IMPORT_ALLOW_HOSTS: entry }),
      ConfigError,
      `${entry} must be refused, not read as ${entry.replace(/:8080.*:/, ":")}`,
    );
  }
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

// ---------------------------------------------------------------------------------------------
// URL importer (resisted)

Deno.test("resisted: IPv6, numeric, encoded and port tricks are refused from the URL alone", async () => {
  await withApp(async (t) => {
    const cases: [string, string][] = [
      ["http://[::ffff:127.0.0.1]/", "ipv4_in_ipv6"],
      ["http://[0:0:0:0:0:ffff:7f00:1]/", "ipv4_in_ipv6"],
      ["http://[::ffff:a9fe:a9fe]/", "ipv4_in_ipv6"],
      ["http://[::ffff:0:7f00:1]/", "ipv4_in_ipv6"],
      ["http://[64:ff9b::a9fe:a9fe]/", "ipv4_in_ipv6"],
      ["http://[64:ff9b:1::a00:1]/", "private"],
      ["http://[2002:a9fe:a9fe::]/", "ipv4_in_ipv6"],
      ["http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", "ipv4_in_ipv6"],
      ["http://[::a9fe:a9fe]/", "ipv4_in_ipv6"],
      ["http://[::]/", "loopback"],
      ["http://[0::1]/", "loopback"],
      ["http://[fd00:ec2::254]/", "private"],
      ["http://[fe80::a9fe:a9fe]/", "link_local"],
      ["http://[fec0::1]/", "private"],
      ["http://[ff02::1]/", "multicast"],
      ["http://[100::1]/", "reserved"],
      ["http://[5f00::1]/", "reserved"],
      ["http://0.0.0.0/", "loopback"],
      ["http://0x7f.1/", "loopback"],
      ["http://①②⑦.0.0.1/", "loopback"],
      ["http://127.0.0.1%2e/", "loopback"],
      ["http://%6c%6f%63%61%6c%68%6f%73%74/", "loopback"],
      ["http://LOCALHOST./", "loopback"],
      ["http://a.b.localhost/", "loopback"],
      ["http://100.100.100.200/", "private"],
      ["http://192.0.0.170/", "reserved"],
      ["http://198.18.0.1/", "reserved"],
      ["http://255.255.255.255/", "broadcast"],
      ["http://metadata/", "hostname"],
      ["http://metadata./", "hostname"],
      ["http://example.com:25/", "port"],
      ["https://example.com:22/", "port"],
      ["http://user:pw@example.com/", "userinfo"],
      ["http://@example.com@127.0.0.1/", "userinfo"],
      ["gopher://example.com/", "scheme"],
      ["file:///etc/passwd", "scheme"],
      ["data:image/png;base64,AAAA", "scheme"],
    ];
    for (const [url, rule] of cases) {
      const res = await postImport(t, { url });
      const body = await res.json();
      assert.equal(res.status, 422, `${url}: ${JSON.stringify(body)}`);
      assert.equal(body.error, "url_not_allowed", url);
      assert.equal(body.rule, rule, url);
    }
    for (const url of ["http://[fe80::1%25eth0]/", "http://example.com:65536/"]) {
      const res = await postImport(t, { url });
      await drain(res);
      assert.equal(res.status, 422, url);
    }
  });
});

Deno.test("resisted: a name is refused when any A/AAAA answer is private, and nothing is dialled", async () => {
  const dialled: string[] = [];
  const answers: Record<string, string[]> = {
    "mixed.example": ["93.184.216.34", "192.168.1.5"],
    "mixed-last.example": ["93.184.216.34", "93.184.216.35", "127.0.0.1"],
    "v6.example": ["2606:4700::1", "fd12:3456::1"],
    "mapped.example": ["2606:4700::1", "::ffff:169.254.169.254"],
    "nat64.example": ["64:ff9b::a00:1"],
    "zero.example": ["0.0.0.0"],
    "cgnat.example": ["100.64.0.1"],
  };
  const f = new SafeFetcher({
    allowHosts: [],
    timeoutMs: 1000,
    userAgent: "test",
    resolver: { resolve: (h) => Promise.resolve(answers[h] ?? []) },
    connector: (target) => {
      dialled.push(target.address);
      return Promise.reject(new Error("must not dial"));
    },
  });
  for (const host of Object.keys(answers)) {
    await assert.rejects(
      f.fetch(`http://${host}/x.png`, { maxBytes: 1000 }),
      (err: Error) => err.constructor.name === "UrlNotAllowed",
      host,
    );
  }
  assert.deepEqual(dialled, []);
});

Deno.test("resisted: redirects to private names, IPv6 forms or other ports are checked in full", async () => {
  await withOrigin(async (origin, hits) => {
    await withOrigin(async (other, otherHits) => {
      const port = new URL(origin).port;
      const otherPort = new URL(other).port;
      const dialled: string[] = [];
      const pinned = pinnedConnector();
      const connector: Connector = (target) => {
        dialled.push(`${target.address}:${target.port}`);
        return pinned(target);
      };
      const f = new SafeFetcher({
        allowHosts: [`pic.example:${port}`],
        timeoutMs: 1500,
        userAgent: "test",
        resolver: {
          resolve: (h) =>
            Promise.resolve(
              h === "pic.example" ? ["127.0.0.1"] : h === "rebind.example" ? ["10.1.1.1"] : [],
            ),
        },
        connector,
      });
      const targets = [
        `http://rebind.example:${otherPort}/fixtures/cat.png`,
        `http://[::ffff:7f00:1]:${otherPort}/fixtures/cat.png`,
        `http://[64:ff9b::7f00:1]:${otherPort}/fixtures/cat.png`,
        `http://0.0.0.0:${otherPort}/fixtures/cat.png`,
        `http://127.0.0.1:${otherPort}/fixtures/cat.png`,
        `http://pic.example:${otherPort}/fixtures/cat.png`,
        `http://localhost:${port}/fixtures/cat.png`,
      ];
      for (const location of targets) {
        const url = `http://pic.example:${port}/to?location=${encodeURIComponent(location)}`;
        await assert.rejects(
          f.fetch(url, { maxBytes: 1_000_000 }),
          (err: Error) => err.constructor.name === "UrlNotAllowed",
          location,
        );
      }
      assert.equal(otherHits.length, 0, "no redirect target was contacted");
      assert.equal(hits.length, targets.length, "only the allow-listed origin was");
      assert.ok(dialled.every((d) => d === `127.0.0.1:${port}`), dialled.join(", "));
    });
  });
});

Deno.test("resisted: IMPORT_ALLOW_HOSTS is one exact endpoint, normalised like a URL host", async () => {
  for (
    const bad of ["127.0.0.1", "localhost", "127.0.0.1:0", "127.0.0.1:99999", "u@h:80", "h:80/x"]
  ) {
    assert.throws(
      () => loadConfig({ KV_PATH: ":memory:", IMPORT_ALLOW_HOSTS: bad }),
      ConfigError,
      bad,
    );
  }
  await withImportApp(async (t, origin) => {
    const port = new URL(origin).port;
    const ok = await postImport(t, { url: `http://127.1:${port}/fixtures/cat.png` });
    await drain(ok);
    assert.equal(ok.status, 201, "127.1 is the same endpoint as 127.0.0.1");
    for (
      const url of [
        `http://localhost:${port}/fixtures/cat.png`,
        `http://[::1]:${port}/fixtures/cat.png`,
        `http://[::ffff:127.0.0.1]:${port}/fixtures/cat.png`,
        `http://127.0.0.2:${port}/fixtures/cat.png`,
      ]
    ) {
      await expectError(await postImport(t, { url }), 422, "url_not_allowed");
    }
  }, { ANON_UPLOADS_PER_HOUR: "50" });
  await withOrigin(async (origin) => {
    await withApp(async (t) => {
      const res = await postImport(t, { url: `${origin}/fixtures/cat.png` });
      const body = await expectError(res, 422, "url_not_allowed");
      assert.equal((body as unknown as { rule: string }).rule, "loopback");
    }, { IMPORT_ALLOW_HOSTS: `${hostPort(origin).split(":")[0]}:1` });
  });
});

// ---------------------------------------------------------------------------------------------
// SVG (resisted)

const SVG_NS = `xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"`;
const svgDoc = (body: string, attrs = "") =>
  `<svg ${SVG_NS} width="10" height="10"${attrs}>${body}</svg>`;

const SVG_BYPASSES: Record<string, string> = {
  "use href external":
    `<use href="https://evil.example/x.svg#a"/><use xlink:href="//evil.example/y.svg#b"/>`,
  "xlink under another prefix":
    `<a xmlns:l="http://www.w3.org/1999/xlink" l:href="javascript:alert(1)"><text>x</text></a>`,
  "javascript: mixed case and tab": `<a href="JaVa&#9;ScRiPt:alert(1)"><text>x</text></a>`,
  "javascript: leading newline": `<a href="&#10;javascript:alert(1)"><text>x</text></a>`,
  "javascript: via entity colon": `<a href="javascript&#58;alert(1)"><text>x</text></a>`,
  "data:text/html":
    `<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="><text>x</text></a>`,
  "data:image/svg+xml in image":
    `<image href="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+"/>`,
  "set href": `<a><set attributeName="href" to="javascript:alert(1)"/><text>x</text></a>`,
  "animate xlink:href padded":
    `<a><animate attributeName=" XLink:HREF " values="javascript:alert(1)"/></a>`,
  "animateTransform href":
    `<animateTransform attributeName="xlink:href" values="javascript:alert(1)"/>`,
  "set targeting another element":
    `<a id="l"><text>x</text></a><set href="#l" attributeName="href" to="javascript:alert(1)"/>`,
  "set style": `<set attributeName="style" to="fill:url(https://evil.example/s)"/>`,
  "set onclick": `<rect><set attributeName="onclick" to="alert(1)"/></rect>`,
  "animate fill to external url":
    `<rect><animate attributeName="fill" values="url(#a);url(https://evil.example/p)"/></rect>`,
  "css @import": `<style>@import 'https://evil.example/a.css';</style>`,
  "css @IMPORT url": `<style>@IMPORT url(https://evil.example/a.css);</style>`,
  "css url with spaces": `<style>rect{fill:url(  "https://evil.example/p")}</style>`,
  "css URL upper": `<rect style="fill:URL(https://evil.example/p)"/>`,
  "css escape": `<style>rect{fill:u\\72l(https://evil.example/p)}</style>`,
  "css entity-spelled url": `<style>rect{fill:&#x75;rl(https://evil.example/p)}</style>`,
  "css image-set": `<rect style="background:-webkit-image-set('https://evil.example/p' 1x)"/>`,
  "css @font-face": `<style>@font-face{font-family:x;src:url(https://evil.example/f.woff)}</style>`,
  "css @namespace": `<style>@namespace url(https://evil.example/);</style>`,
  "cdata closing style": `<style><![CDATA[</style><script>alert(1)</script>]]></style>`,
  "markup inside style":
    `<style>rect{fill:red}<g>@import "https://evil.example/x.css";</g></style>`,
  "presentation cursor": `<rect cursor="url(https://evil.example/c.cur),auto"/>`,
  "feImage": `<filter id="f"><feImage href="https://evil.example/x.png"/></filter>`,
  "textPath/mpath":
    `<text><textPath href="https://evil.example/p#p">x</textPath></text><animateMotion><mpath xlink:href="https://evil.example/p#p"/></animateMotion>`,
  "xml:base": `<g xml:base="https://evil.example/"><use href="#a"/></g>`,
  "script mixed case":
    `<ScRiPt>alert(1)</ScRiPt><svg:script xmlns:svg="http://www.w3.org/2000/svg">alert(1)</svg:script>`,
  "xhtml default namespace":
    `<g xmlns="http://www.w3.org/1999/xhtml"><img src="x" onerror="alert(1)"/></g>`,
  "xhtml prefix": `<h:iframe xmlns:h="http://www.w3.org/1999/xhtml" src="https://evil.example"/>`,
  "xhtml-namespaced handler": `<rect xmlns:h="http://www.w3.org/1999/xhtml" h:onclick="alert(1)"/>`,
  "handler/listener":
    `<handler xmlns:ev="http://www.w3.org/2001/xml-events" ev:event="load">alert(1)</handler>`,
  "mathml href":
    `<math xmlns="http://www.w3.org/1998/Math/MathML"><mi href="javascript:alert(1)">x</mi></math>`,
  "nested svg onload": `<svg onload="alert(1)"/>`,
  "link/meta/base":
    `<link rel="stylesheet" href="https://evil.example/x.css"/><base href="https://evil.example/"/>`,
  "foreignObject":
    `<foreignObject><body xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></body></foreignObject>`,
  "undeclared default ns": `<g xmlns=""><script>alert(1)</script></g>`,
  "text cdata": `<text><![CDATA[<script>alert(1)</script>]]></text>`,
  "attribute quote breakout": `<text id='x"onmouseover="alert(1)'>y</text>`,
};

Deno.test("resisted: known SVG sanitiser bypasses produce nothing active or external", () => {
  for (const [name, body] of Object.entries(SVG_BYPASSES)) {
    const out = sanitizeSvg(svgDoc(body));
    // Escaped text (e.g. `&lt;script&gt;` inside <text> or <style>) is inert and may stay.
    assert.doesNotMatch(out, /javascript|evil\.example/i, `${name}: ${out}`);
    assert.doesNotMatch(out, /<(\w+:)?(script|iframe|foreignObject|handler|base|link)\b/i, name);
    assert.doesNotMatch(out, /\son\w+=/i, `${name}: ${out}`);
    for (const m of out.matchAll(/\b(?:href|src)="([^"]*)"/g)) {
      assert.match(m[1].trim(), /^#|^data:image\/(png|jpeg|gif|webp|avif);base64,/, name);
    }
  }
  // Entities and DTDs never expand: the file is refused.
  for (
    const doc of [
      `<!DOCTYPE svg [<!ENTITY x "javascript:alert(1)">]>${svgDoc(`<a href="&x;"/>`)}`,
      `<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>${svgDoc(`<text>&x;</text>`)}`,
    ]
  ) {
    assert.throws(() => sanitizeSvg(doc));
  }
  // Processing instructions (xml-stylesheet) go.
  assert.doesNotMatch(
    sanitizeSvg(
      `<?xml-stylesheet type="text/xsl" href="https://evil.example/x.xsl"?>${svgDoc("")}`,
    ),
    /evil|xml-stylesheet/,
  );
});

Deno.test("resisted: an uploaded hostile SVG is served sanitised, sandboxed and nosniff", async () => {
  await withApp(async (t) => {
    const hostile = svgDoc(Object.values(SVG_BYPASSES).join(""), ` onload="alert(1)"`);
    const img = await uploadOk(t, enc.encode(hostile), "<img src=x onerror=alert(1)>.svg");
    assert.equal(img.extension, "svg");
    for (const path of [`/${img.id}`, `/${img.id}.svg`]) {
      const res = await t.app.request(path, { headers: { accept: "image/*" } });
      const text = await res.text();
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get("content-type"), "image/svg+xml");
      assert.doesNotMatch(text, /javascript|evil\.example|<script|onerror|onload/i);
      assert.equal(
        res.headers.get("content-security-policy"),
        "default-src 'none'; style-src 'unsafe-inline'; sandbox",
      );
      assert.equal(res.headers.get("x-content-type-options"), "nosniff");
      assert.equal(
        res.headers.get("content-disposition"),
        `inline; filename="${img.id}.svg"`,
        "the uploaded file name is never echoed",
      );
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Response headers and CORS (resisted)

Deno.test("resisted: image responses carry CSP sandbox, nosniff, a safe filename and credential-less CORS", async () => {
  await withApp(async (t) => {
    const img = await uploadOk(t, await smallImage(), `evil"; filename="x.html`);
    const variants: [string, string][] = [
      [`/${img.id}`, "GET"],
      [`/${img.id}.gif`, "GET"],
      [`/${img.id}.png?blur=2`, "GET"],
      [`/${img.id}`, "HEAD"],
    ];
    for (const [path, method] of variants) {
      const res = await t.app.request(path, { method, headers: { origin: EVIL } });
      await drain(res);
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get("content-type") ?? "", /^image\//);
      assert.match(res.headers.get("content-security-policy") ?? "", /default-src 'none'.*sandbox/);
      assert.equal(res.headers.get("x-content-type-options"), "nosniff");
      assert.match(
        res.headers.get("content-disposition") ?? "",
        new RegExp(`^inline; filename="${img.id}\\.(gif|png)"$`),
      );
      assert.equal(res.headers.get("access-control-allow-origin"), "*");
      assert.equal(res.headers.get("access-control-allow-credentials"), null);
    }
  });
});

Deno.test("resisted: /v1 CORS is '*' without credentials, errors included; pages get no CORS", async () => {
  await withApp(async (t) => {
    const pre = await t.app.request("/v1/keys", {
      method: "OPTIONS",
      headers: {
        origin: EVIL,
        "access-control-request-method": "DELETE",
        "access-control-request-headers": "authorization, content-type",
      },
    });
    await drain(pre);
    assert.equal(pre.headers.get("access-control-allow-origin"), "*");
    assert.equal(pre.headers.get("access-control-allow-credentials"), null);
    const err = await t.app.request("/v1/account", {
      headers: { origin: EVIL, authorization: "Bearer nope" },
    });
    await expectError(err, 401, "unauthorized");
    assert.equal(err.headers.get("access-control-allow-origin"), "*");
    assert.equal(err.headers.get("access-control-allow-credentials"), null);
    for (const path of ["/auth/login", "/keys", "/account", "/images", "/tools", "/mcp"]) {
      const res = await t.app.request(path, {
        method: path === "/mcp" ? "OPTIONS" : "GET",
        headers: { origin: EVIL, "access-control-request-method": "POST" },
      });
      await drain(res);
      assert.equal(res.headers.get("access-control-allow-origin"), null, path);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Error bodies (resisted)

Deno.test("resisted: error bodies carry no stack traces, internals or secrets", async () => {
  await withApp(async (t) => {
    const { key } = await signUp(t);
    const bodies: string[] = [];
    const collect = async (res: Response | Promise<Response>) => {
      const r = await res;
      const text = await r.text();
      assert.ok(r.status >= 400, `${r.status}: ${text}`);
      assert.match(r.headers.get("content-type") ?? "", /application\/json/);
      bodies.push(text);
    };
    const json = { "content-type": "application/json" };
    await collect(withKey(t, key, "/v1/keys/constructor", { method: "DELETE" })); // a 500 today
    await collect(withKey(t, key, "/v1/keys", { method: "POST", headers: json, body: "{bad" }));
    await collect(t.app.request("/v1/import", { method: "POST", headers: json, body: "[[[" }));
    await collect(t.app.request("/v1/import", { method: "POST", headers: json, body: "null" }));
    await collect(t.app.request("/mcp", { method: "POST", headers: MCP_HEADERS, body: "{bad" }));
    await collect(
      t.app.request("/v1/upload", {
        method: "POST",
        headers: { "content-type": "multipart/form-data; boundary=x" },
        body: '--x\r\nContent-Disposition: form-data; name="file"\r\n\r\nabc',
      }),
    );
    await collect(withKey(t, key, "/v1/images?limit=abc"));
    await collect(t.app.request("/ZZZZZZZZZZ.gif?w=10&sig=AAAA"));
    for (const text of bodies) {
      const body = JSON.parse(text);
      assert.equal(typeof body.error, "string", text);
      assert.doesNotMatch(text, /\n\s+at\s|\.ts:\d|file:\/\/|\/work\/|node_modules|ZodError/, text);
      assert.doesNotMatch(text, /key_hash|test-secret|password_hash|img_live_[0-9A-Za-z]{20}/);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// HTML escaping (resisted)

const XSS = `"><script>alert(1)</script><img src=x onerror=alert(2)></title></textarea>'\``;

function assertEscaped(html: string, where: string) {
  assert.ok(!html.includes("<script>alert(1)"), `${where}: raw <script>`);
  assert.ok(!html.includes("<img src=x onerror"), `${where}: raw <img onerror>`);
  assert.ok(html.includes("&lt;script&gt;alert(1)&lt;/script&gt;"), `${where}: escaped text`);
}

Deno.test("resisted: caption, metadata, key names and echoed e-mails are escaped in every page", async () => {
  await withApp(async (t) => {
    const anon = await uploadOk(t, await distinctImage(5), "x.gif", {
      caption: XSS,
      credit: XSS,
      "x-src": XSS,
    });
    const viewer = await t.app.request(`/${anon.id}`, { headers: { accept: "text/html" } });
    const viewerHtml = await viewer.text();
    assert.match(viewer.headers.get("content-type") ?? "", /^text\/html/);
    assert.equal(viewer.headers.get("x-content-type-options"), "nosniff");
    assertEscaped(viewerHtml, "viewer");
    assert.ok(!viewerHtml.includes(`content=""><script`), "og:title breakout");

    const { cookie, key } = await signUp(t);
    await drain(await keyedUpload(t, key, await smallImage(), "x.gif", { caption: XSS }));
    for (const path of ["/images", "/tools"]) {
      const res = await t.app.request(path, { headers: { cookie } });
      assertEscaped(await res.text(), path);
    }
    const keys = await postForm(t, "/keys", { name: XSS }, { cookie });
    assertEscaped(await keys.text(), "/keys (created)");
    const keysPage = await t.app.request("/keys", { headers: { cookie } });
    assertEscaped(await keysPage.text(), "/keys");
    const login = await postForm(t, "/auth/login", { email: XSS, password: "whatever" });
    const loginHtml = await login.text();
    assert.ok(!loginHtml.includes("<script>alert(1)"), "login echo");
    assert.ok(!loginHtml.includes(`value=""><script`), "login value breakout");
    const reg = await postForm(t, "/auth/register", { email: XSS, password: "x" });
    const regHtml = await reg.text();
    assert.ok(!regHtml.includes("<script>alert(1)"), "register echo");
    // A query string on the viewer does not reach the page unvalidated.
    const q = await t.app.request(`/${anon.id}?caption=${encodeURIComponent(XSS)}`, {
      headers: { accept: "text/html" },
    });
    assert.equal(q.status, 400);
    assert.ok(!(await q.text()).includes("<script>alert(1)"));
  });
});
