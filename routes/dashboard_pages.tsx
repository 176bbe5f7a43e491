import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { csrf } from "hono/csrf";
import { nextPlan } from "../domain/account/plans.ts";
import { upgradeUrl } from "../src/accounts/mod.ts";
import { usageOf } from "../src/accounts/mod.ts";
import { toUnixSeconds } from "../src/clock.ts";
import { openText, sealText } from "../src/crypto.ts";
import { formatBytes } from "../src/format_bytes.ts";
import { AppError } from "../domain/errors.ts";
import type { AppDeps, AppEnv } from "../src/http/mod.ts";
import { Layout, page } from "./pages/layout.tsx";
import { UploaderDownloads } from "./pages/uploader_downloads.tsx";
import { errorResponses } from "./schemas.ts";
import { DeleteImagePage, ImagesTable } from "./pages/images_table.tsx";

const html = (description: string) => ({
  description,
  content: { "text/html": { schema: z.string() } },
});
const deletePages = {
  ask: createRoute({
    method: "get",
    path: "/images/{id}/delete",
    summary: "Dashboard page: asks the logged-in owner to confirm deleting an image",
    request: { params: z.object({ id: z.string() }) },
    responses: { 200: html("The confirmation page"), ...errorResponses("not_found", "gone") },
  }),
  act: createRoute({
    method: "post",
    path: "/images/{id}/delete",
    summary: "Dashboard form: deletes the owner's image, then back to /images",
    request: { params: z.object({ id: z.string() }) },
    responses: { 303: html("Deleted; on to /images"), ...errorResponses("not_found", "gone") },
  }),
};

/** A key created from the page reaches the next GET in this cookie, sealed, then is forgotten. */
const NEW_KEY_COOKIE = "imgpro_new_key";
const NEW_KEY_SECONDS = 300;

/** The image id in the path; anything that cannot be one is not found without a lookup. */
function imageId(c: Context): string {
  const id = c.req.param("id") ?? "";
  if (/^[0-9A-Za-z]{10}$/.test(id)) return id;
  throw new AppError("not_found", "No such image.", { hint: "Check the link." });
}

/** A form submitted by a browser (not a script posting it): it can follow a redirect. */
const navigating = (c: Context) => c.req.header("sec-fetch-mode") === "navigate";

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
  app.use("/images/*", csrf({ origin }));
  const purpose = (accountId: string) => `new-key:${accountId}`;

  /** The key created just before this GET, shown once: the cookie is cleared as it is read. */
  const takeNewKey = async (c: Context<AppEnv>, accountId: string) => {
    const sealed = getCookie(c, NEW_KEY_COOKIE);
    if (!sealed) return undefined;
    deleteCookie(c, NEW_KEY_COOKIE, { path: "/keys" });
    c.header("Cache-Control", "no-store");
    try {
      return JSON.parse(await openText(deps.secret, purpose(accountId), sealed)) as {
        key: string;
        name: string;
      };
    } catch {
      return undefined; // another account's, or tampered with
    }
  };

  const keysPage = async (c: Context<AppEnv>, fresh?: { key: string; name: string }) => {
    const id = sessionAccount(c);
    if (!id) return c.redirect("/auth/login", 303);
    const created = fresh ?? await takeNewKey(c, id);
    const doc = await deps.accounts.get(id);
    const keys = doc?.keys ?? [];
    return c.html(page(
      <Layout title="API keys" loggedIn scripts={["copy.js"]}>
        <h1>API keys</h1>
        {c.req.query("welcome")
          ? (
            <p class="ok">
              Your account is ready: <a href="/">upload from the home page</a>{" "}
              (kept permanently), or create a key below to upload from scripts and tools.
            </p>
          )
          : null}
        {created
          ? (
            <div class="ok">
              <p>
                Key <strong>{created.name}</strong> created. Copy it now: it is shown only once.
              </p>
              <p class="actions">
                <code id="new-key">{created.key}</code>
                <button type="button" class="secondary" data-copy={created.key}>Copy key</button>
              </p>
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
    // A browser is sent on to GET /keys (Post/Redirect/Get), so reloading the page it lands on
    // cannot create a second key; the key rides along sealed in a cookie for that one request.
    // A script posting the form reads the key from this answer instead.
    if (!navigating(c)) return keysPage(c, created);
    const sealed = await sealText(
      deps.secret,
      purpose(id),
      JSON.stringify({ key: created.key, name: created.name }),
    );
    setCookie(c, NEW_KEY_COOKIE, sealed, {
      httpOnly: true,
      sameSite: "Strict",
      secure: deps.config.publicUrl.startsWith("https:"),
      path: "/keys",
      maxAge: NEW_KEY_SECONDS,
    });
    return c.redirect("/keys", 303);
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
      <Layout title="Images" loggedIn scripts={["copy.js"]}>
        <h1>Your images</h1>
        {c.req.query("deleted")
          ? <p class="ok" role="status">The image is deleted. Its link no longer works.</p>
          : null}
        {list.data.length === 0
          ? (
            <p>
              No images yet. <a href="/">Upload one from the home page</a>, or with your{" "}
              <a href="/keys">API key</a>.
            </p>
          )
          : <ImagesTable images={list.data} />}
        {list.next_cursor
          ? <a href={`/images?cursor=${encodeURIComponent(list.next_cursor)}`}>Older</a>
          : null}
      </Layout>,
    ));
  });

  // Deleting from the dashboard: GET asks (the image, one button), POST (Origin-checked) acts.
  app.openapi(deletePages.ask, async (c) => {
    const id = sessionAccount(c);
    if (!id) return c.redirect("/auth/login", 303);
    const doc = await deps.images.owned(imageId(c), id);
    return c.html(page(<DeleteImagePage doc={doc} action={`/images/${doc.id}/delete`} />));
  });
  app.openapi(deletePages.act, async (c) => {
    const id = sessionAccount(c);
    if (!id) return c.redirect("/auth/login", 303);
    await deps.images.deleteOwned(imageId(c), id);
    return c.redirect("/images?deleted=1", 303);
  });
}
