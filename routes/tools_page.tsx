// deno-lint-ignore-file jsx-key -- server-rendered hono/jsx has no reconciler; a key would be printed as an HTML attribute
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppDeps, AppEnv } from "../src/http/mod.ts";
import { Layout, page } from "./pages/layout.tsx";

/** Resize, crop and face crop with a live preview, each producing a signed link (SPEC §6). */
export function toolsPage(app: OpenAPIHono<AppEnv>, deps: AppDeps) {
  app.get("/tools", async (c) => {
    const caller = c.get("caller");
    if (caller.kind !== "account") return c.redirect("/auth/login", 303);
    const { data } = await deps.images.list(caller.accountId, 100);
    const chosen = c.req.query("id") ?? data[0]?.id ?? "";
    return c.html(page(
      <Layout title="Tools" loggedIn scripts={["tools.js"]}>
        <h1>Resize, crop and face crop</h1>
        {data.length === 0
          ? (
            <p>
              No images yet: <a href="/">upload one from the home page</a>{" "}
              (or with your API key) first.
            </p>
          )
          : null}
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
            Mode{" "}
            <select name="mode">
              <option value="resize">resize</option>
              <option value="crop">crop</option>
              <option value="face">face crop</option>
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
          <label>
            <input name="segment" type="checkbox" value="foreground" /> Remove background
          </label>
          <button type="submit">Make signed link</button>
        </form>
        <p>
          <code id="link"></code>
        </p>
        <img id="preview" class="preview" alt="Preview of the signed link" hidden />
      </Layout>,
    ));
  });
}
