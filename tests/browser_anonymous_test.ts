/**
 * What an anonymous person does in a real browser: upload from the home page, copy the link,
 * delete the image with its delete link, hit the form's limits. Every test also fails on any
 * console error, CSP violation or request to another host (tests/support/browser.ts).
 */
import assert from "node:assert/strict";
import { encodeBase64Url } from "../src/encoding.ts";
import { BROWSER_TEST, fixturePath, until, withBrowser } from "./support/browser.ts";
import { fixture } from "./support/test_app.ts";

/** Page code that builds a File of a fixture's bytes (headless Chromium will not fetch /favicon.ico). */
const fileOf = async (name: string, as: string) =>
  `(() => { const b64 = "${
    encodeBase64Url(await fixture(name))
  }".replaceAll("-", "+").replaceAll("_", "/");
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    return new File([bytes], "${as}", { type: "image/gif" }); })()`;

const test = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name: `browser: ${name}`, ...BROWSER_TEST, fn });

/** Chromium logs every non-2xx page or fetch as a console error; these tests cause them. */
const loadFailed = (status: number) =>
  new RegExp(`^Failed to load resource: the server responded with a status of ${status}\\b`);

test("upload from the home page, copy the link, delete it with the delete link", () =>
  withBrowser(async ({ base, page, expectConsole }) => {
    expectConsole(loadFailed(410));
    await page.goto(base + "/");
    await page.setInputFiles("#file", fixturePath("portrait.jpg"));
    await page.getByLabel("Caption (optional)").fill("An astronaut");
    await page.getByRole("button", { name: "Upload" }).click();
    const result = page.locator("#result");
    await result.getByRole("heading", { name: "Uploaded" }).waitFor();

    const link = await result.locator("a").nth(1).textContent();
    assert.match(link ?? "", new RegExp(`^${base}/[0-9A-Za-z]{10}$`));
    // The preview is the stored image, really loaded.
    await until(page, `document.querySelector("#result img").complete`);
    const width = await page.evaluate(`document.querySelector("#result img").naturalWidth`);
    assert.equal(width, 512);
    assert.match(await page.locator("#expiry").textContent() ?? "", /Kept until .* \(30 days/);

    await result.getByRole("button", { name: "Copy link" }).click();
    assert.equal(await page.evaluate("navigator.clipboard.readText()"), link);
    await result.getByRole("button", { name: "Copied" }).waitFor();

    await result.getByRole("link", { name: "Delete this image" }).click();
    await page.waitForURL(/\/delete\/[0-9A-Za-z]{10}\/.+/);
    assert.match(await page.locator("h1").textContent() ?? "", /^Delete image [0-9A-Za-z]{10}\?$/);
    await page.getByRole("button", { name: "Delete it for good" }).click();
    await page.getByText("The image is deleted").waitFor();

    const gone = await page.goto(link!);
    assert.equal(gone?.status(), 410);
    assert.equal(await page.locator("h1").textContent(), "This image is gone");
  }));

test("an anonymous ttl is stated as the real expiry, on the page and in upgrade.message", () =>
  withBrowser(async ({ base, page }) => {
    await page.goto(base + "/");
    // The form has no ttl field; the API's own answer is what the page shows, so a ttl sent
    // through the same endpoint must come back stated exactly.
    const body = await page.evaluate(`(async () => {
      const form = new FormData();
      form.append("file", ${await fileOf("animated.gif", "a.gif")});
      form.append("ttl", "2h");
      return (await fetch("/v1/upload", { method: "POST", body: form })).json();
    })()`) as { link: string; upgrade: { message: string } };
    assert.match(body.upgrade.message, /expires 2 hours after upload, at \d{4}-\d\d-\d\dT/);
    await page.goto(body.link);
    assert.match(await page.locator(".notice").textContent() ?? "", /expires in 2 hours/);
  }));

test("a file over the limit is refused before sending, with the register link", () =>
  withBrowser(async ({ base, page }) => {
    const posts: string[] = [];
    page.on("request", (r) => r.method() === "POST" && posts.push(r.url()));
    await page.goto(base + "/");
    await page.setInputFiles("#file", fixturePath("portrait.jpg")); // 89 KB
    await page.getByRole("button", { name: "Upload" }).click();
    const status = page.locator("#status");
    await status.getByText(/the limit is 0\.0 MB|the limit is/).waitFor();
    assert.match(await status.textContent() ?? "", /This file is 0\.1 MB; the limit is 0\.0 MB/);
    const register = status.getByRole("link", { name: "Create a free account" });
    assert.equal(await register.getAttribute("href"), "/auth/register?from_cta=upload");
    assert.deepEqual(posts, [], "nothing was sent");
  }, { env: { ANON_MAX_BYTES: "40000" } }));

test("a rate-limited upload says when to try again; the button is disabled while sending", () =>
  withBrowser(async ({ base, page, expectConsole }) => {
    expectConsole(loadFailed(429));
    await page.goto(base + "/");
    const button = page.locator("#send");
    // Hold the first answer back so the in-flight state can be seen.
    let release = () => {};
    const held = new Promise<void>((r) => release = r);
    await page.route("**/v1/upload", async (route) => {
      await held;
      await route.continue();
    }, { times: 1 });
    await page.setInputFiles("#file", fixturePath("animated.gif"));
    await button.click();
    assert.equal(await button.isDisabled(), true);
    assert.equal(await button.textContent(), "Uploading…");
    assert.equal(await page.locator("#progress").isVisible(), true);
    release();
    await page.locator("#result").getByRole("heading", { name: "Uploaded" }).waitFor();
    assert.equal(await button.isDisabled(), false);
    // The bar counted the bytes that went up: the whole multipart body, at least the file.
    const counted = Number(await page.evaluate(`document.getElementById("progress").max`));
    assert.ok(counted >= (await Deno.stat(fixturePath("animated.gif"))).size, `max ${counted}`);

    await page.setInputFiles("#file", fixturePath("animated.gif"));
    await button.click();
    const status = page.locator("#status");
    await status.getByText(/You can upload again in/).waitFor();
    assert.match(await status.textContent() ?? "", /You can upload again in \d+ minutes\./);
  }, { env: { ANON_UPLOADS_PER_HOUR: "1" } }));

test("drag-and-drop and paste choose the file to upload", () =>
  withBrowser(async ({ base, page }) => {
    await page.goto(base + "/");
    await page.evaluate(`(async () => {
      const dt = new DataTransfer();
      dt.items.add(${await fileOf("animated.gif", "dropped.gif")});
      document.getElementById("drop").dispatchEvent(
        new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
    })()`);
    assert.match(await page.locator("#chosen").textContent() ?? "", /^Ready: dropped\.gif/);
    assert.equal(
      await page.evaluate(`document.getElementById("file").files[0].name`),
      "dropped.gif",
    );

    await page.evaluate(`(async () => {
      const dt = new DataTransfer();
      dt.items.add(${await fileOf("animated.gif", "pasted.gif")});
      document.dispatchEvent(new ClipboardEvent("paste", { clipboardData: dt, bubbles: true }));
    })()`);
    assert.match(await page.locator("#chosen").textContent() ?? "", /^Ready: pasted\.gif/);
    await page.getByRole("button", { name: "Upload" }).click();
    await page.locator("#result").getByRole("heading", { name: "Uploaded" }).waitFor();
  }));

test("a browser gets HTML error pages: 404, invalid transform, bad upgrade link", () =>
  withBrowser(async ({ base, page, expectConsole }) => {
    for (const status of [400, 403, 404]) expectConsole(loadFailed(status));
    const missing = await page.goto(base + "/no/such/page");
    assert.equal(missing?.status(), 404);
    assert.equal(await page.locator("h1").textContent(), "Page not found");
    await page.getByRole("link", { name: "Go to the upload page" }).waitFor();

    const upgrade = await page.goto(base + "/upgrade/pro?account=x&exp=1&sig=nope");
    assert.equal(upgrade?.status(), 403);
    assert.match(await page.locator(".error").textContent() ?? "", /upgrade link is not valid/);

    await page.goto(base + "/");
    const { link } = await page.evaluate(`(async () => {
      const form = new FormData();
      form.append("file", ${await fileOf("animated.gif", "a.gif")});
      return (await fetch("/v1/upload", { method: "POST", body: form })).json();
    })()`) as { link: string };
    const bad = await page.goto(link + "?blur=lots");
    assert.equal(bad?.status(), 400);
    assert.equal(await page.locator("h1").textContent(), "This link's options are not valid");
    assert.match(await page.locator(".error").textContent() ?? "", /blur/);
    // The same link asked for by an API client keeps the JSON envelope.
    const api = await fetch(link + "?blur=lots", { headers: { accept: "application/json" } });
    assert.equal((await api.json()).error, "invalid_transform");
  }));

test("the API reference renders offline from our own copy of Scalar", () =>
  withBrowser(async ({ base, page }) => {
    await page.goto(base + "/api");
    // Scalar renders the document's operations; one of ours proves it read /openapi.json.
    await page.getByText("Upload an image", { exact: false }).first().waitFor({ timeout: 30_000 });
    assert.match(await page.title(), /imgpro API/);
  }));
