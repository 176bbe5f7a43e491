import assert from "node:assert/strict";
import { BROWSER_TEST, withBrowser } from "./support/browser.ts";

Deno.test({
  name: "browser: the harness records console errors, CSP violations and outside requests",
  ...BROWSER_TEST,
  fn: () =>
    withBrowser(async ({ base, page, problems }) => {
      await page.goto(base + "/");
      assert.equal(await page.locator("h1").textContent(), "Share an image");
      assert.deepEqual(problems, []);
      // Page code is written as strings: the test program is type-checked without the DOM.
      await page.evaluate(`console.error("boom")`);
      // An inline script is what the pages' CSP forbids; the page tries to add one.
      await page.evaluate(`{ const s = document.createElement("script");
        s.textContent = "1"; document.body.append(s); }`);
      await page.evaluate(`fetch("http://192.0.2.1/x").catch(() => {})`);
      // A navigation elsewhere is stopped by the harness itself, before it leaves the machine.
      await page.goto("http://192.0.2.1/y").catch(() => {});
      await page.waitForTimeout(200);
      const all = problems.join("\n");
      assert.match(all, /console error .*boom/);
      assert.match(all, /CSP violation: script-src/);
      assert.match(all, /CSP violation: connect-src blocked http:\/\/192\.0\.2\.1\/x/);
      assert.match(all, /request to an outside host: http:\/\/192\.0\.2\.1\/y/);
      problems.length = 0;
    }),
});
