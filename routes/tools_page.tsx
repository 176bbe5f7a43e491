// deno-lint-ignore-file jsx-key -- server-rendered hono/jsx has no reconciler; a key would be printed as an HTML attribute
import type { OpenAPIHono } from "@hono/zod-openapi";
import { raw } from "hono/html";
import type { AppDeps, AppEnv } from "../src/http/types.ts";
import { Layout, page } from "./pages/layout.tsx";

// The page mints links through the same `POST /v1/images/{id}/links` an API client uses (the
// session counts there because the request is same-origin), then previews the signed link.
const SCRIPT = `
const form = document.getElementById("tool");
const out = document.getElementById("link");
const img = document.getElementById("preview");
async function mint() {
  const data = Object.fromEntries([...new FormData(form)].filter(([, v]) => v !== ""));
  const id = data.id; delete data.id;
  for (const k of ["w", "h", "dpr"]) if (k in data) data[k] = Number(data[k]);
  const res = await fetch("/v1/images/" + encodeURIComponent(id) + "/links", {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(data) });
  const body = await res.json();
  if (!res.ok) { out.textContent = body.message; img.removeAttribute("src"); return; }
  out.textContent = body.url; img.src = body.url;
}
form.addEventListener("submit", (e) => { e.preventDefault(); mint(); });
form.addEventListener("change", () => { if (form.id.value) mint(); });`;

/** Resize, crop and gravity with a live preview, each producing a signed link (SPEC §6). */
export function toolsPage(app: OpenAPIHono<AppEnv>, deps: AppDeps) {
  app.get("/tools", async (c) => {
    const caller = c.get("caller");
    if (caller.kind !== "account") return c.redirect("/auth/login", 303);
    const { data } = await deps.images.list(caller.accountId, 100);
    const chosen = c.req.query("id") ?? data[0]?.id ?? "";
    return c.html(page(
      <Layout title="Tools" loggedIn>
        <h1>Resize and crop</h1>
        {data.length === 0 ? <p>Upload an image with your API key first.</p> : null}
        <form id="tool">
          <label>
            Image{" "}
            <select name="id">
              {data.map((img) => (
                <option value={img.id} selected={img.id === chosen}>
                  {img.caption ?? img.id}
                </option>
              ))}
            </select>
          </label>
          <label>
            Width <input name="w" type="number" min={1} max={8192} value="600" />
          </label>
          <label>
            Height <input name="h" type="number" min={1} max={8192} value="400" />
          </label>
          <label>
            Fit{" "}
            <select name="fit">
              {["cover", "contain", "scale-down", "crop", "pad"].map((f) => <option>{f}</option>)}
            </select>
          </label>
          <label>
            Gravity{" "}
            <select name="gravity">
              {["center", "auto", "top", "bottom", "left", "right"].map((g) => (
                <option>{g}</option>
              ))}
            </select>
          </label>
          <button type="submit">Make signed link</button>
        </form>
        <p>
          <code id="link"></code>
        </p>
        <img id="preview" alt="" style="max-width:100%" />
        <script>{raw(SCRIPT)}</script>
      </Layout>,
    ));
  });
}
