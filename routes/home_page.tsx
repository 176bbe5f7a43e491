import type { OpenAPIHono } from "@hono/zod-openapi";
import { raw } from "hono/html";
import { formatBytes } from "../src/format_bytes.ts";
import { pageCsp } from "../src/http/mod.ts";
import type { AppDeps, AppEnv } from "../src/http/mod.ts";
import { inlineScript } from "./pages/assets.ts";
import { isLoggedIn, Layout, page } from "./pages/layout.tsx";

/**
 * The upload form. Its script (routes/pages/assets/upload.js, inline and allowed by its hash)
 * sends it to the public API with fetch("/v1/upload"), so a person's upload takes exactly the
 * path (limits, errors, idempotency) an API client's does. It checks the size first, shows
 * progress, takes drag-and-drop and paste, and shows the link, a copy button, the expiry and
 * the delete link below the form without leaving the page.
 */
export function homePage(app: OpenAPIHono<AppEnv>, deps: AppDeps) {
  const script = inlineScript("upload.js");
  const csp = pageCsp(deps.config.publicUrl, [script.source]);
  app.get("/", (c) => {
    const loggedIn = isLoggedIn(c);
    const { accountMaxBytes, anonMaxBytes, anonRetentionSeconds } = deps.config.limits;
    const maxBytes = loggedIn ? accountMaxBytes : anonMaxBytes;
    const days = Math.round(anonRetentionSeconds / 86_400);
    c.header("Content-Security-Policy", csp);
    return c.html(page(
      <Layout title="Share an image" loggedIn={loggedIn}>
        <h1>Share an image</h1>
        <p>
          Upload a picture, get a link.{" "}
          {loggedIn
            ? `Your uploads are kept permanently, up to ${formatBytes(maxBytes)} each.`
            : `No account needed: images up to ${formatBytes(maxBytes)} are kept for ${days} days.`}
        </p>
        <form id="upload">
          <div id="drop" class="drop">
            <label>
              Image file (or drop one here, or paste it)
              <input
                id="file"
                type="file"
                name="file"
                accept="image/*,.heic,.heif"
                required
                data-max-bytes={String(maxBytes)}
                data-anonymous={loggedIn ? "0" : "1"}
              />
            </label>
            <small id="chosen" aria-live="polite"></small>
          </div>
          <label>
            Caption (optional)
            <input name="caption" maxlength={2000} />
          </label>
          <button id="send" type="submit">Upload</button>
          <progress id="progress" hidden aria-label="Uploading"></progress>
        </form>
        <p id="status" role="status" aria-live="polite"></p>
        <section id="result" class="result" hidden aria-live="polite"></section>
        <p>
          Developers: <a href="/api">API reference</a> · <a href="/llms.txt">llms.txt</a> ·{" "}
          <a href="/api/ai-agents">for AI agents</a>
        </p>
        <script>{raw(script.text)}</script>
      </Layout>,
    ));
  });
}
