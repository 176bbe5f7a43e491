import assert from "node:assert/strict";
import { drain } from "./support/accounts.ts";
import { withApp } from "./support/http.ts";

const NAV = { "sec-fetch-mode": "navigate", accept: "text/html" };

Deno.test("a browser opening a page at another host is sent to PUBLIC_URL; the API is not", async () => {
  await withApp(async (t) => {
    const page = await t.app.request("http://127.0.0.1:8000/auth/login?email=a%40b.test", {
      headers: { ...NAV, host: "127.0.0.1:8000" },
    });
    await drain(page);
    assert.equal(page.status, 302);
    assert.equal(page.headers.get("location"), "http://img.test/auth/login?email=a%40b.test");
    for (const path of ["/v1/account", "/healthz", "/AAAAAAAAAA.jpg", "/openapi.json", "/mcp"]) {
      const res = await t.app.request(`http://127.0.0.1:8000${path}`, {
        headers: { ...NAV, host: "127.0.0.1:8000" },
      });
      await drain(res);
      assert.notEqual(res.status, 302, path);
    }
    // At PUBLIC_URL's own host, and for anything that is not a navigation, nothing changes.
    const home = await t.app.request("/", { headers: { ...NAV, host: "img.test" } });
    await drain(home);
    assert.equal(home.status, 200);
    const script = await t.app.request("/", { headers: { host: "127.0.0.1:8000" } });
    await drain(script);
    assert.equal(script.status, 200);
  });
});

Deno.test("behind a proxy, X-Forwarded-Host counts with TRUST_PROXY=1; PUBLIC_URL_REDIRECT=0 turns it off", async () => {
  await withApp(async (t) => {
    const res = await t.app.request("/", {
      headers: { ...NAV, host: "app:8000", "x-forwarded-host": "img.test" },
    });
    await drain(res);
    assert.equal(res.status, 200);
  }, { TRUST_PROXY: "1" });
  await withApp(async (t) => {
    const res = await t.app.request("/", { headers: { ...NAV, host: "elsewhere.test" } });
    await drain(res);
    assert.equal(res.status, 200);
  }, { PUBLIC_URL_REDIRECT: "0" });
});

Deno.test("PUBLIC_URL's host with its default port, or first in a proxy's X-Forwarded-Host list, is not redirected to itself", async () => {
  await withApp(async (t) => {
    for (
      const headers of [
        { host: "img.example.com:443" } as Record<string, string>,
        { host: "IMG.example.com" },
        { host: "app:8000", "x-forwarded-host": "img.example.com, app:8000" },
      ]
    ) {
      const res = await t.app.request("/", { headers: { ...NAV, ...headers } });
      await drain(res);
      assert.equal(res.status, 200, JSON.stringify(headers));
    }
    // Another host, a trailing dot (its own cookies) included, is still sent to PUBLIC_URL.
    for (const host of ["img.example.com.", "img.example.com:8443", "evil.test"]) {
      const res = await t.app.request("/auth/login", { headers: { ...NAV, host } });
      await drain(res);
      assert.equal(res.status, 302, host);
      assert.equal(res.headers.get("location"), "https://img.example.com/auth/login");
    }
  }, { PUBLIC_URL: "https://img.example.com", TRUST_PROXY: "1" });
});

Deno.test("behind a proxy that rewrites Host, without TRUST_PROXY, a page asked for at PUBLIC_URL is not sent to itself", async () => {
  await withApp(async (t) => {
    const res = await t.app.request("/auth/login", {
      headers: { ...NAV, host: "app:8000", "x-forwarded-host": "img.test" },
    });
    await drain(res);
    assert.equal(res.status, 200);
    // Without that header the other host is still redirected; the header cannot cause one.
    const other = await t.app.request("/auth/login", { headers: { ...NAV, host: "app:8000" } });
    await drain(other);
    assert.equal(other.status, 302);
    const spoofed = await t.app.request("/auth/login", {
      headers: { ...NAV, host: "img.test", "x-forwarded-host": "evil.test" },
    });
    await drain(spoofed);
    assert.equal(spoofed.status, 200);
  });
});
