import assert from "node:assert/strict";
import { upgradeUrl } from "../src/accounts/upgrade_links.ts";
import { sha256Base64 } from "./support/csp.ts";
import { drain, keyedUpload, postForm, signUp, smallImage } from "./support/accounts.ts";
import { postUpload, type TestApp, withApp } from "./support/http.ts";

const HTML = { accept: "text/html,application/xhtml+xml,*/*;q=0.8" };

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(";").map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map((
      [name, ...values],
    ) => [name, values]),
  );
}

/** Every page a person can reach, logged in or not, answers included. */
async function htmlRoutes(t: TestApp) {
  const { cookie, key } = await signUp(t, "csp@example.test");
  const owned = await (await keyedUpload(t, key, await smallImage(), "a.gif")).json();
  const anon = await (await postUpload(t, await smallImage(), "b.gif")).json();
  const gone = await (await postUpload(t, await smallImage(), "c.gif")).json();
  await drain(await t.app.request(new URL(gone.delete_url).pathname, { method: "DELETE" }));
  const account = (await t.services.accounts.authenticateKey(key))!;
  const upgrade = new URL(
    await upgradeUrl("http://img.test", t.services.secret, account, "pro", t.clock.now() / 1000),
  );
  const token = new URL(anon.delete_url).pathname;
  const get = (path: string, withCookie = false) =>
    t.app.request(path, { headers: { ...HTML, ...(withCookie ? { cookie } : {}) } });
  return [
    ["/", await get("/")],
    ["/ (logged in)", await get("/", true)],
    ["/auth/login", await get("/auth/login")],
    ["/auth/register", await get("/auth/register")],
    ["/auth/logout", await get("/auth/logout", true)],
    ["/keys", await get("/keys", true)],
    ["/account", await get("/account", true)],
    ["/images", await get("/images", true)],
    ["/tools", await get("/tools", true)],
    [`/images/{id}/delete`, await get(`/images/${owned.id}/delete`, true)],
    ["/delete/{id}/{token}", await get(token)],
    ["/upgrade/pro", await get(upgrade.pathname + upgrade.search, true)],
    ["/api/ai-agents", await get("/api/ai-agents")],
    ["viewer /{id}", await get(`/${anon.id}`)],
    ["viewer /{id} (owner)", await get(`/${owned.id}`, true)],
    ["gone /{id}", await get(`/${gone.id}`)],
    ["404 page", await get("/no/such/page")],
    ["400 page", await get(`/${anon.id}?blur=lots`)],
    ["403 page", await get("/upgrade/pro?account=x&exp=1&sig=y")],
    ["POST /auth/register 422", await postForm(t, "/auth/register", { email: "a@b.test" })],
    ["POST /keys 200", await postForm(t, "/keys", { name: "k" }, { cookie })],
  ] as const;
}

Deno.test("every HTML page sends the page CSP, and carries no inline style or unhashed script", async () => {
  await withApp(async (t) => {
    const statuses: string[] = [];
    for (const [name, res] of await htmlRoutes(t)) {
      const html = await res.text();
      statuses.push(`${name} ${res.status}`);
      assert.match(res.headers.get("content-type") ?? "", /^text\/html/, name);
      const csp = res.headers.get("content-security-policy") ?? "";
      const d = directives(csp);
      assert.deepEqual(d.get("default-src"), ["'self'"], `${name}: ${csp}`);
      assert.deepEqual(d.get("frame-ancestors"), ["'none'"], name);
      assert.deepEqual(d.get("form-action"), ["'self'"], name);
      assert.deepEqual(d.get("style-src"), ["'self'"], name);
      assert.deepEqual(d.get("object-src"), ["'none'"], name);
      for (const v of ["'self'", "data:", "blob:"]) assert.ok(d.get("img-src")?.includes(v), name);
      const scripts = d.get("script-src") ?? [];
      assert.equal(scripts[0], "'self'", name);
      assert.ok(scripts.slice(1).every((s) => /^'sha256-[A-Za-z0-9+/]+=*'$/.test(s)), name);
      // What the policy would block must not be on the page in the first place.
      assert.doesNotMatch(html, /<[a-z][^>]*\sstyle\s*=/i, `${name}: a style= attribute`);
      assert.doesNotMatch(html, /<style[\s>]/i, `${name}: a <style> element`);
      assert.doesNotMatch(html, /\son[a-z]+\s*=/i, `${name}: an inline event handler`);
      for (const [, body] of html.matchAll(/<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g)) {
        const source = `'sha256-${await sha256Base64(body)}'`;
        assert.ok(scripts.includes(source), `${name}: an inline script not allowed by its hash`);
      }
      assert.doesNotMatch(html, /(src|href)="https?:\/\/(?!img\.test)/, `${name}: outside host`);
    }
    // Each page was the real one, not a redirect or an error page in its place.
    const want = (name: string) =>
      Number(/\b(4\d\d)\b/.exec(name)?.[1] ?? (name.startsWith("gone") ? 410 : 200));
    for (const line of statuses) {
      const [name, status] = [line.slice(0, line.lastIndexOf(" ")), line.split(" ").at(-1)];
      assert.equal(Number(status), want(name), line);
    }
  });
});

Deno.test("/api relaxes only what Scalar's bundle needs, and loads it from this origin", async () => {
  await withApp(async (t) => {
    const res = await t.app.request("/api", { headers: HTML });
    const html = await res.text();
    const d = directives(res.headers.get("content-security-policy") ?? "");
    assert.deepEqual(d.get("script-src"), ["'self'", "'unsafe-eval'"]);
    assert.deepEqual(d.get("style-src"), ["'self'", "'unsafe-inline'"]);
    assert.deepEqual(d.get("frame-ancestors"), ["'none'"]);
    assert.doesNotMatch(html, /https?:\/\//, "no CDN");
    const src = /<script src="(\/assets\/scalar\.js\?v=[0-9a-f]{12})"/.exec(html)?.[1];
    assert.ok(src, html);
    const bundle = await t.app.request(src, { headers: { "accept-encoding": "gzip" } });
    assert.equal(bundle.status, 200);
    assert.equal(bundle.headers.get("content-encoding"), "gzip");
    assert.match(bundle.headers.get("cache-control") ?? "", /immutable/);
    const text = await new Response(
      bundle.body!.pipeThrough(new DecompressionStream("gzip")),
    ).text();
    assert.ok(text.length > 1_000_000 && text.includes("createApiReference"), "Scalar's bundle");
  });
});

Deno.test("image bytes keep their sandbox CSP; JSON and the icon answer as before", async () => {
  await withApp(async (t) => {
    const img = await (await postUpload(t, await smallImage(), "a.gif")).json();
    const bytes = await t.app.request(`/${img.id}.gif`);
    await drain(bytes);
    assert.match(bytes.headers.get("content-security-policy") ?? "", /sandbox/);
    const icon = await t.app.request("/favicon.ico", { headers: { accept: "image/*" } });
    assert.equal(icon.status, 200);
    assert.equal(icon.headers.get("content-type"), "image/x-icon");
    assert.deepEqual([...new Uint8Array(await icon.arrayBuffer()).slice(0, 4)], [0, 0, 1, 0]);
  });
});

Deno.test("/api/ai-agents renders backticked text from the shared tables as code", async () => {
  await withApp(async (t) => {
    const html = await (await t.app.request("/api/ai-agents")).text();
    assert.ok(html.includes("<code>field</code>"), "action meanings");
    // Outside the JavaScript example (a template literal), no backtick is left in the text.
    const prose = html.replace(/<pre>[\s\S]*?<\/pre>/g, "");
    assert.doesNotMatch(prose, /`/);
  });
});
