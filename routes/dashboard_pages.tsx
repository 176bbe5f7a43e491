import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { csrf } from "hono/csrf";
import { nextPlan } from "../domain/account/plans.ts";
import { upgradeUrl } from "../src/accounts/upgrade_links.ts";
import { usageOf } from "../src/accounts/usage.ts";
import { toUnixSeconds } from "../src/clock.ts";
import { formatBytes } from "../src/format_bytes.ts";
import { AppError } from "../src/http/app_error.ts";
import type { AppDeps, AppEnv } from "../src/http/types.ts";
import { Layout, page } from "./pages/layout.tsx";
import { UploaderDownloads } from "./pages/uploader_downloads.tsx";

const date = (s: number) => new Date(s * 1000).toISOString().slice(0, 10);

/** The logged-in person's account id, or a redirect to the login page. */
function sessionAccount(c: Context<AppEnv>): string | null {
  const caller = c.get("caller");
  return caller.kind === "account" ? caller.accountId : null;
}

export function dashboardPages(app: OpenAPIHono<AppEnv>, deps: AppDeps) {
  const origin = new URL(deps.config.publicUrl).origin;
  app.use("/keys", csrf({ origin }));
  app.use("/keys/*", csrf({ origin }));

  const keysPage = async (c: Context<AppEnv>, created?: { key: string; name: string }) => {
    const id = sessionAccount(c);
    if (!id) return c.redirect("/auth/login", 303);
    const doc = await deps.accounts.get(id);
    const keys = doc?.keys ?? [];
    return c.html(page(
      <Layout title="API keys" loggedIn>
        <h1>API keys</h1>
        {c.req.query("welcome")
          ? <p class="ok">Your account is ready. Create a key to upload with it.</p>
          : null}
        {created
          ? (
            <div class="ok">
              <p>
                Key <strong>{created.name}</strong> created. Copy it now: it is shown only once.
              </p>
              <code id="new-key">{created.key}</code>
              <UploaderDownloads publicUrl={deps.config.publicUrl} apiKey={created.key} />
            </div>
          )
          : null}
        <form method="post" action="/keys">
          <label>
            Name <input name="name" required maxlength={100} placeholder="my laptop" />
          </label>
          <button type="submit">Create key</button>
        </form>
        <h2>Your keys</h2>
        <table>
          <tr>
            <th>Name</th>
            <th>Key</th>
            <th>Created</th>
            <th></th>
          </tr>
          {keys.map((k) => (
            <tr>
              <td>{k.name}</td>
              <td>
                <code>{k.prefix}…</code>
              </td>
              <td>{date(k.created_at)}</td>
              <td>
                {k.revoked_at
                  ? `revoked ${date(k.revoked_at)}`
                  : (
                    <form method="post" action={`/keys/${k.key_id}/revoke`}>
                      <button type="submit">Revoke</button>
                    </form>
                  )}
              </td>
            </tr>
          ))}
        </table>
        <p>
          Use a key as <code>Authorization: Bearer img_live_…</code>.
        </p>
      </Layout>,
    ));
  };

  app.get("/keys", (c) => keysPage(c));
  app.post("/keys", async (c) => {
    const id = sessionAccount(c);
    if (!id) return c.redirect("/auth/login", 303);
    const name = String((await c.req.parseBody()).name ?? "").trim().slice(0, 100) || "unnamed";
    const created = await deps.accounts.createKey(id, name);
    c.header("Cache-Control", "no-store");
    return keysPage(c, created);
  });
  app.post("/keys/:key_id/revoke", async (c) => {
    const id = sessionAccount(c);
    if (!id) return c.redirect("/auth/login", 303);
    await deps.accounts.revokeKey(id, c.req.param("key_id"));
    return c.redirect("/keys", 303);
  });

  app.get("/account", async (c) => {
    const id = sessionAccount(c);
    if (!id) return c.redirect("/auth/login", 303);
    const doc = await deps.accounts.get(id);
    if (!doc) return c.redirect("/auth/login", 303);
    const now = toUnixSeconds(deps.clock.now());
    const usage = usageOf(doc, deps.config, now);
    const next = nextPlan(doc.plan);
    const upgrade = next
      ? await upgradeUrl(deps.config.publicUrl, deps.secret, id, next, now)
      : null;
    return c.html(page(
      <Layout title="Account" loggedIn>
        <h1>Account</h1>
        <p>{await deps.accounts.email(doc)}</p>
        <table>
          <tr>
            <th>Plan</th>
            <td>{doc.plan}</td>
          </tr>
          <tr>
            <th>Uploads in {usage.period}</th>
            <td>
              {usage.uploads_used} of {usage.uploads_limit.toLocaleString("en")}
            </td>
          </tr>
          <tr>
            <th>Storage</th>
            <td>
              {formatBytes(usage.storage_used_bytes)} of {formatBytes(usage.storage_limit_bytes)}
            </td>
          </tr>
        </table>
        {upgrade
          ? (
            <p>
              <a href={upgrade}>Upgrade to {next}</a>
            </p>
          )
          : <p>You are on the top plan.</p>}
      </Layout>,
    ));
  });

  app.get("/images", async (c) => {
    const id = sessionAccount(c);
    if (!id) return c.redirect("/auth/login", 303);
    const cursor = c.req.query("cursor") || undefined;
    // A cursor that KV did not issue is someone's typo or an old link: show the first page.
    const list = await deps.images.list(id, 100, cursor).catch((err) => {
      if (cursor && err instanceof AppError && err.code === "validation_error") return null;
      throw err;
    });
    if (!list) return c.redirect("/images", 303);
    return c.html(page(
      <Layout title="Images" loggedIn>
        <h1>Your images</h1>
        {list.data.length === 0 ? <p>No images yet. Upload with your API key.</p> : null}
        <table>
          {list.data.map((img) => (
            <tr>
              <td>
                <a href={img.link}>
                  <img src={`${img.link}.${img.extension}`} width={80} alt="" loading="lazy" />
                </a>
              </td>
              <td>
                <a href={img.link}>{img.id}</a>
                <br />
                {img.width}×{img.height} · {formatBytes(img.filesize)}
              </td>
              <td>{img.caption ?? ""}</td>
            </tr>
          ))}
        </table>
        {list.next_cursor
          ? <a href={`/images?cursor=${encodeURIComponent(list.next_cursor)}`}>Older</a>
          : null}
      </Layout>,
    ));
  });
}
