/**
 * What a person with an account does in a real browser: register, upload, find the image on
 * /images and delete it, create an API key, and get the logged-in header everywhere. Every test
 * also fails on any console error, CSP violation or request to another host.
 */
import assert from "node:assert/strict";
import {
  BROWSER_TEST,
  type Browsing,
  fixturePath,
  registerInBrowser,
  until,
  withBrowser,
} from "./support/browser.ts";

const test = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name: `browser: ${name}`, ...BROWSER_TEST, fn });

const PASSWORD = "correct horse battery";

test("register, upload from the home page, find it on /images, delete it there", () =>
  withBrowser(async ({ base, page }) => {
    await registerInBrowser({ base, page } as Browsing, "ada@example.test", PASSWORD);
    await page.getByRole("link", { name: "Upload" }).first().click();
    await page.waitForURL(base + "/");
    assert.match(await page.locator("main p").first().textContent() ?? "", /kept permanently/);
    await page.setInputFiles("#file", fixturePath("portrait.jpg"));
    await page.getByLabel("Caption (optional)").fill("Mine");
    await page.getByRole("button", { name: "Upload" }).click();
    await page.locator("#result").getByRole("heading", { name: "Uploaded" }).waitFor();
    assert.match(await page.locator("#expiry").textContent() ?? "", /Kept permanently/);
    const link = await page.locator("#result a").nth(1).textContent();

    await page.getByRole("link", { name: "Images" }).click();
    await page.waitForURL(base + "/images");
    const row = page.locator("table.images tr", { hasText: link! });
    // The thumbnail is named for a screen reader and really loads.
    const thumb = row.getByRole("img", { name: "Mine" });
    await thumb.waitFor();
    await until(page, `document.querySelector("table.images img").complete`);
    assert.equal(
      await page.evaluate(`document.querySelector("table.images img").naturalWidth`),
      512,
    );
    await row.getByRole("button", { name: "Copy the link of Mine" }).click();
    assert.equal(await page.evaluate("navigator.clipboard.readText()"), link);

    // The viewer offers the owner the same delete.
    await page.goto(link!);
    await page.getByRole("link", { name: "Delete" }).click();
    await page.waitForURL(/\/images\/[0-9A-Za-z]{10}\/delete$/);
    await page.getByRole("button", { name: "Delete it for good" }).click();
    await page.waitForURL(base + "/images?deleted=1");
    await page.getByText("The image is deleted").waitFor();
    assert.equal(await page.locator("table.images tr").count(), 0);
    // The empty state points at the form.
    const upload = page.getByRole("link", { name: "Upload one from the home page" });
    assert.equal(await upload.getAttribute("href"), "/");
  }));

test("create key redirects, shows the key once with a copy button; reloading adds no key", () =>
  withBrowser(async (b) => {
    const { page, base } = b;
    await registerInBrowser(b, "keys@example.test", PASSWORD);
    await page.getByLabel("Name").fill("laptop");
    await page.getByRole("button", { name: "Create key" }).click();
    await page.waitForURL(base + "/keys");
    const key = await page.locator("#new-key").textContent();
    assert.match(key ?? "", /^img_live_[0-9A-Za-z]{43}$/);
    await page.getByRole("button", { name: "Copy key" }).click();
    assert.equal(await page.evaluate("navigator.clipboard.readText()"), key);

    await page.reload();
    assert.equal(await page.locator("#new-key").count(), 0, "shown only once");
    const rows = page.locator("table tr", { hasText: "laptop" });
    assert.equal(await rows.count(), 1, "reloading did not create a second key");
    // The key works.
    const res = await fetch(`${base}/v1/account`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal(res.status, 200);
    await res.body?.cancel();
  }));

test("a logged-in person gets the logged-in header on every page, and it fits 390 px", () =>
  withBrowser(async (b) => {
    const { page, base } = b;
    b.expectConsole(/status of 404/);
    await registerInBrowser(b, "header@example.test", PASSWORD);
    // One image, so /images and /tools show a row, and its viewer page is on the list too.
    await page.goto(base + "/");
    await page.setInputFiles("#file", fixturePath("cat.png"));
    await page.getByRole("button", { name: "Upload" }).click();
    await page.locator("#result").getByRole("heading", { name: "Uploaded" }).waitFor();
    const link = await page.locator("#result a").nth(1).textContent();
    for (
      const path of [
        "/",
        "/images",
        "/keys",
        "/account",
        "/tools",
        "/api/ai-agents",
        "/auth/login",
        "/auth/logout",
        "/no/such/page",
        new URL(link!).pathname,
      ]
    ) {
      await page.goto(base + path);
      const header = page.locator("header");
      assert.equal(await header.getByRole("link", { name: "Upload" }).count(), 1, path);
      // The viewer is the image's public page: a slim header, without the log-out form.
      const viewer = path === new URL(link!).pathname;
      const own = viewer
        ? header.getByRole("link", { name: "Your images" })
        : header.getByRole("button", { name: "Log out" });
      assert.equal(await own.count(), 1, path);
      assert.equal(await page.locator("h1").count(), 1, `${path}: one h1`);
      const overflow = await page.evaluate(
        `document.documentElement.scrollWidth - document.documentElement.clientWidth`,
      );
      assert.equal(overflow, 0, `${path} overflows a 390 px screen by ${overflow} px`);
    }
  }, { viewport: { width: 390, height: 844 } }));

test("an account out of uploads is shown the upgrade link the API offers", () =>
  withBrowser(async (b) => {
    const { page, base } = b;
    b.expectConsole(/status of 403/);
    await registerInBrowser(b, "quota@example.test", PASSWORD);
    await page.goto(base + "/");
    for (let i = 0; i < 2; i++) {
      await page.setInputFiles("#file", fixturePath(i === 0 ? "animated.gif" : "portrait.jpg"));
      await page.getByRole("button", { name: "Upload" }).click();
      await page.locator("#status").getByText(i === 0 ? "Done." : /uploads/).waitFor();
    }
    const upgrade = page.locator("#status").getByRole("link", { name: /Pro/ });
    assert.match(await upgrade.getAttribute("href") ?? "", /\/upgrade\/pro\?/);
    await upgrade.click();
    assert.match(await page.locator("h1").textContent() ?? "", /Upgrade to pro/);
  }, { env: { PLAN_FREE_UPLOADS: "1" } }));

test("a page opened at another address than PUBLIC_URL is sent to PUBLIC_URL", () =>
  withBrowser(async ({ page, base }) => {
    const other = base.replace("127.0.0.1", "localhost");
    await page.goto(other + "/auth/register?from_cta=x");
    assert.equal(page.url(), base + "/auth/register?from_cta=x");
    // The API answers at any address.
    const res = await fetch(other + "/healthz", { headers: { "sec-fetch-mode": "navigate" } });
    assert.equal(res.status, 200);
    await res.body?.cancel();
  }));

test("the tools page mints a signed link and previews it", () =>
  withBrowser(async (b) => {
    const { page, base } = b;
    await registerInBrowser(b, "tools@example.test", PASSWORD);
    await page.goto(base + "/");
    await page.setInputFiles("#file", fixturePath("portrait.jpg"));
    await page.getByRole("button", { name: "Upload" }).click();
    await page.locator("#result").getByRole("heading", { name: "Uploaded" }).waitFor();
    await page.getByRole("link", { name: "Tools" }).click();
    await page.getByLabel("Width").fill("200");
    await page.getByLabel("Height").fill("100");
    await page.getByRole("button", { name: "Make signed link" }).click();
    const preview = page.getByRole("img", { name: "Preview of the signed link" });
    await preview.waitFor();
    assert.match(await page.locator("#link").textContent() ?? "", /\?.*sig=/);
    // Polled with evaluate: waitForFunction compiles its text in the page, which the CSP forbids.
    await until(page, `document.getElementById("preview").naturalWidth > 0`);
    assert.deepEqual(
      await page.evaluate(`[document.getElementById("preview").naturalWidth,
        document.getElementById("preview").naturalHeight]`),
      [200, 100],
    );
  }));
