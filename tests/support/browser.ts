/**
 * Real headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core, against the
 * whole app served on a loopback port. A test fails on any console error, uncaught page error,
 * CSP violation, or request to a host other than the app's.
 */
import assert from "node:assert/strict";
import type { BrowserContext, Page } from "playwright-core";
import { createApp } from "../../src/app.ts";
import { systemClock } from "../../src/clock.ts";
import { loadConfig } from "../../src/config.ts";
import { randomIds } from "../../src/ids.ts";
import { buildServices } from "../../src/services.ts";

export const CHROMIUM = "/usr/bin/chromium";

// playwright-core probes /proc/sys/fs/binfmt_misc (is-wsl) when imported, a path Deno grants only
// with --allow-all; this switch of is-wsl's own defers the probe to a call that never happens on
// Linux. Hence the dynamic import below, after the variable is set.
Deno.env.set("__IS_WSL_TEST__", "1");
const { chromium } = await import("playwright-core");

/** Flags for a quiet, offline, throwaway browser: nothing phones home, nothing is kept. */
const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export type Browsing = {
  base: string;
  page: Page;
  context: BrowserContext;
  services: ReturnType<typeof buildServices>;
  /** Everything that went wrong in the browser so far (console errors, CSP, outside hosts). */
  problems: string[];
  /** Fails the test if anything went wrong in the browser. */
  assertClean(): void;
  /**
   * A console error the test expects, e.g. Chromium's "Failed to load resource: … 404" for an
   * error page the test opens on purpose; everything else still fails the test.
   */
  expectConsole(pattern: RegExp): void;
};

/** Deno's test sanitizers cannot follow the browser's pipes and timers. */
export const BROWSER_TEST = { sanitizeOps: false, sanitizeResources: false };

/**
 * Serves a fresh app (in-memory KV, real clock) on 127.0.0.1, opens Chromium on it with a fresh
 * profile in a temporary folder, runs `fn`, then closes and removes everything.
 */
export async function withBrowser(
  fn: (b: Browsing) => Promise<void>,
  opts: { env?: Record<string, string>; viewport?: { width: number; height: number } } = {},
): Promise<void> {
  let handler: Deno.ServeHandler = () => new Response("starting", { status: 503 });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (req, info) => handler(req, info),
  );
  const base = `http://127.0.0.1:${server.addr.port}`;
  const config = loadConfig({ KV_PATH: ":memory:", PUBLIC_URL: base, ...opts.env });
  const kv = await Deno.openKv(":memory:");
  const services = buildServices(
    config,
    kv,
    systemClock,
    randomIds,
    "browser-test-secret-browser-test-secret",
  );
  const app = createApp({ ...services, version: "test" });
  handler = (req, info) => app.fetch(req, info);

  const profile = await Deno.makeTempDir({ prefix: "imgpro-chromium-" });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: opts.viewport ?? { width: 1280, height: 900 },
    permissions: ["clipboard-read", "clipboard-write"],
    acceptDownloads: false,
  });
  const problems: string[] = [];
  const expected: RegExp[] = [];
  // The app at both of its loopback names (the PUBLIC_URL redirect test visits the other one).
  const appOrigins = new Set([base, `http://localhost:${server.addr.port}`]);
  // A request anywhere else is refused before it leaves, and recorded.
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("data:") || url.startsWith("blob:") || appOrigins.has(new URL(url).origin)) {
      return route.continue();
    }
    problems.push(`request to an outside host: ${url}`);
    return route.abort();
  });
  // CSP violations are logged as console errors by Chromium; the event makes them explicit.
  await context.addInitScript({
    content: `document.addEventListener("securitypolicyviolation", (e) =>
      console.error("CSP violation: " + e.violatedDirective + " blocked " + e.blockedURI));`,
  });
  const watch = (page: Page) => {
    page.on("console", (msg) => {
      if (msg.type() !== "error" || expected.some((re) => re.test(msg.text()))) return;
      problems.push(`console error on ${page.url()}: ${msg.text()}`);
    });
    page.on("pageerror", (err) => problems.push(`page error on ${page.url()}: ${err.message}`));
  };
  context.on("page", watch);
  const page = context.pages()[0] ?? await context.newPage();
  watch(page);
  page.setDefaultTimeout(20_000);

  try {
    await fn({
      base,
      page,
      context,
      services,
      problems,
      assertClean: () => assert.deepEqual(problems, [], problems.join("\n")),
      expectConsole: (pattern) => void expected.push(pattern),
    });
    assert.deepEqual(problems, [], problems.join("\n"));
  } finally {
    await context.close();
    await server.shutdown();
    services.runtime.close();
    kv.close();
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  }
}

/** Registers through the form, as a person would; ends on the page the form leads to. */
export async function registerInBrowser(b: Browsing, email: string, password: string) {
  await b.page.goto(`${b.base}/auth/register`);
  await b.page.getByLabel("E-mail").fill(email);
  await b.page.getByLabel("Password").fill(password);
  await b.page.getByRole("button", { name: "Create account" }).click();
  await b.page.waitForURL(/\/keys/);
}

export const FIXTURE_DIR = new URL("../fixtures/", import.meta.url);
export const fixturePath = (name: string) => new URL(name, FIXTURE_DIR).pathname;

/** Waits until page code (a string, evaluated through the debugger, not by the page) is true. */
export async function until(page: Page, expression: string, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!(await page.evaluate(expression))) {
    if (Date.now() > deadline) throw new Error(`still false after ${ms} ms: ${expression}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
