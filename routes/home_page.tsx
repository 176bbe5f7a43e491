import type { OpenAPIHono } from "@hono/zod-openapi";
import { raw } from "hono/html";
import { formatBytes } from "../src/format_bytes.ts";
import type { AppDeps, AppEnv } from "../src/http/types.ts";
import { Layout, page } from "./pages/layout.tsx";

// The form posts to the public API itself, so a person's upload takes exactly the path (limits,
// errors, idempotency) an API client's does; on success the browser opens the image's link.
const SCRIPT = `
const form = document.getElementById("upload");
const out = document.getElementById("result");
form.addEventListener("submit", async (e) => {
  e.preventDefault();
  out.textContent = "Uploading…";
  const res = await fetch("/v1/upload", { method: "POST", body: new FormData(form),
    headers: { "Idempotency-Key": crypto.randomUUID() } });
  const body = await res.json().catch(() => ({ message: "Unexpected answer from the server." }));
  if (res.ok) { location.href = body.link; return; }
  out.textContent = body.message + (body.action && body.action.hint ? " " + body.action.hint : "");
});`;

export function homePage(app: OpenAPIHono<AppEnv>, deps: AppDeps) {
  app.get("/", (c) => {
    const loggedIn = c.get("caller").kind === "account";
    const limit = formatBytes(
      loggedIn ? deps.config.limits.accountMaxBytes : deps.config.limits.anonMaxBytes,
    );
    return c.html(page(
      <Layout title="Share an image" loggedIn={loggedIn}>
        <h1>Share an image</h1>
        <p>
          Upload a picture, get a link.{" "}
          {loggedIn
            ? `Your uploads are kept permanently, up to ${limit} each.`
            : `No account needed: images up to ${limit} are kept for 30 days.`}
        </p>
        <form id="upload">
          <input type="file" name="file" accept="image/*" required />
          <input name="caption" maxlength={2000} placeholder="Caption (optional)" />
          <button type="submit">Upload</button>
        </form>
        <p id="result" role="status"></p>
        <p>
          Developers: <a href="/api">API reference</a> · <a href="/llms.txt">llms.txt</a> ·{" "}
          <a href="/api/ai-agents">for AI agents</a>
        </p>
        <script>{raw(SCRIPT)}</script>
      </Layout>,
    ));
  });
}
