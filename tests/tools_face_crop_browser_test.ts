import assert from "node:assert/strict";
import {
  BROWSER_TEST,
  fixturePath,
  registerInBrowser,
  until,
  withBrowser,
} from "./support/browser.ts";

const PREVIEW = 'document.getElementById("preview")';

Deno.test({
  name: "browser: /tools in face crop mode mints a gravity=face link and previews the face crop",
  ...BROWSER_TEST,
  fn: () =>
    withBrowser(async (b) => {
      const { page, base } = b;
      try {
        await registerInBrowser(b, "faces@example.test", "correct horse battery");
        await page.goto(base + "/");
        await page.setInputFiles("#file", fixturePath("portrait.png"));
        await page.getByRole("button", { name: "Upload" }).click();
        await page.locator("#result").getByRole("heading", { name: "Uploaded" }).waitFor();
        await page.getByRole("link", { name: "Tools" }).click();
        await page.getByLabel("Width").fill("300");
        await page.getByLabel("Height").fill("300");
        await page.getByLabel("Mode").selectOption("face");
        await page.getByRole("button", { name: "Make signed link" }).click();
        await until(page, '/gravity=face/.test(document.getElementById("link").textContent)');
        const link = await page.locator("#link").textContent() ?? "";
        assert.match(link, /fit=cover/);
        assert.match(link, /sig=/);
        assert.equal(await page.getByLabel("Gravity").isDisabled(), true);
        // The preview is the signed link itself: a 300×300 crop around the face.
        await until(page, `${PREVIEW}.naturalWidth > 0`, 60_000);
        assert.deepEqual(
          await page.evaluate(`[${PREVIEW}.naturalWidth, ${PREVIEW}.naturalHeight]`),
          [300, 300],
        );
      } finally {
        b.services.vision.close();
      }
    }, { env: { SEGMENT_DEADLINE_MS: "60000" } }),
});
