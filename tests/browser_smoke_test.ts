import assert from "node:assert/strict";
import { BROWSER_TEST, withBrowser } from "./support/browser.ts";

Deno.test({
  name: "browser: the harness records console errors and outside requests",
  ...BROWSER_TEST,
  fn: () =>
    withBrowser(async ({ base, page, problems }) => {
      await page.goto(base + "/");
      assert.equal(await page.locator("h1").textContent(), "Share an image");
      assert.deepEqual(problems, []);
      // Page code is written as strings: the test program is type-checked without the DOM.
      await page.evaluate(`console.error("boom")`);
      await page.evaluate(`fetch("http://192.0.2.1/x").catch(() => {})`);
      await page.waitForTimeout(200);
      const all = problems.join("\n");
      assert.match(all, /console error .*boom/);
      assert.match(all, /request to an outside host: http:\/\/192\.0\.2\.1\/x/);
      problems.length = 0;
    }),
});
