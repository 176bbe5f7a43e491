import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { csrf } from "hono/csrf";
import { PLAN_NAMES, type PlanName } from "../domain/account/plans.ts";
import { verifyUpgrade } from "../src/accounts/mod.ts";
import { toUnixSeconds } from "../src/clock.ts";
import { formatBytes } from "../src/format_bytes.ts";
import { AppError } from "../domain/errors.ts";
import { wellFormedDeleteLink } from "../src/images/mod.ts";
import type { AppDeps, AppEnv } from "../src/http/mod.ts";
import { DeleteImagePage } from "./pages/images_table.tsx";
import { isLoggedIn, Layout, page } from "./pages/layout.tsx";
import { errorResponses } from "./schemas.ts";

const deleteByToken = createRoute({
  method: "delete",
  path: "/delete/{id}/{token}",
  summary: "Delete an anonymous image with its delete_url",
  description: "The anonymous uploader's way to remove an image without an account: send " +
    "DELETE to the `delete_url` of the upload's response. Deleting twice is not an error.",
  request: { params: z.object({ id: z.string(), token: z.string() }) },
  responses: { 204: { description: "Deleted" }, ...errorResponses("not_found", "gone") },
});

const forbidden = (message: string) =>
  new AppError("forbidden", message, {
    hint: "Open the upgrade link again from your account page.",
  });

/**
 * One-button confirmation pages for links that carry their own authority: a signed upgrade link
 * and an anonymous uploader's delete_url. GET only shows; the POST (Origin-checked) acts.
 */
export function actionPages(app: OpenAPIHono<AppEnv>, deps: AppDeps) {
  const origin = new URL(deps.config.publicUrl).origin;
  // Only the form POSTs need the Origin check: a DELETE on delete_url is authorised by its token,
  // and API clients send no Origin.
  const formCsrf = csrf({ origin });
  app.on("POST", ["/upgrade/*", "/delete/*"], formCsrf);

  const checkUpgrade = async (c: Context<AppEnv>) => {
    const plan = c.req.param("plan") as PlanName;
    if (!PLAN_NAMES.includes(plan)) throw forbidden(`There is no plan called ${plan}.`);
    const q = {
      account: c.req.query("account") ?? "",
      plan,
      exp: c.req.query("exp") ?? "",
      sig: c.req.query("sig") ?? "",
    };
    const verdict = await verifyUpgrade(deps.secret, q, toUnixSeconds(deps.clock.now()));
    if (verdict === "invalid") throw forbidden("This upgrade link is not valid.");
    if (verdict === "expired") throw forbidden("This upgrade link has expired.");
    return { plan, account: q.account };
  };

  // Payment is out of scope: a billing provider's checkout would sit between this page and the
  // POST below, and its webhook would send the same ChangePlan command.
  app.get("/upgrade/:plan", async (c) => {
    const { plan } = await checkUpgrade(c);
    const p = deps.config.plans[plan];
    return c.html(page(
      <Layout title={`Upgrade to ${plan}`} loggedIn={isLoggedIn(c)}>
        <h1>Upgrade to {plan}</h1>
        <p>
          {p.uploads.toLocaleString("en")} uploads a month and {formatBytes(p.storage)}{" "}
          of storage for ${p.price}/mo.
        </p>
        <form method="post">
          <button type="submit">Upgrade to {plan}</button>
        </form>
      </Layout>,
    ));
  });
  app.post("/upgrade/:plan", async (c) => {
    const { plan, account } = await checkUpgrade(c);
    const now = await deps.accounts.changePlan(account, plan, { upgradeOnly: true });
    return c.html(page(
      <Layout title="Upgraded" loggedIn={isLoggedIn(c)}>
        <h1>Upgraded</h1>
        <p class="ok">Your account is now on the {now} plan.</p>
        <p>
          <a href="/account">See your account</a>
        </p>
      </Layout>,
    ));
  });

  const deleteTarget = async (c: Context<AppEnv>) => {
    const id = c.req.param("id") ?? "";
    const token = c.req.param("token") ?? "";
    // A malformed id or token is not found without a lookup (a 3 KB id is not a valid KV key).
    const doc = wellFormedDeleteLink(id, token) ? await deps.images.tokenMatches(id, token) : null;
    if (!doc) {
      throw new AppError("not_found", "This delete link is not valid.", {
        hint: "Check the link.",
      });
    }
    return doc;
  };
  app.get("/delete/:id/:token", async (c) => {
    const doc = await deleteTarget(c);
    const done = doc.status !== "live";
    if (!done) {
      const action = `/delete/${doc.id}/${c.req.param("token")}`;
      return c.html(page(<DeleteImagePage doc={doc} action={action} loggedIn={isLoggedIn(c)} />));
    }
    return c.html(page(
      <Layout title="Delete image" loggedIn={isLoggedIn(c)}>
        <h1>Already deleted</h1>
        <p class="ok">This image is already gone.</p>
        <p>
          <a href="/">Upload a new image</a>
        </p>
      </Layout>,
    ));
  });
  const remove = async (c: Context<AppEnv>) => {
    const doc = await deleteTarget(c);
    await deps.images.deleteWithToken(doc.id, c.req.param("token") ?? "");
    return doc;
  };
  app.post("/delete/:id/:token", async (c) => {
    await remove(c);
    return c.html(page(
      <Layout title="Deleted" loggedIn={isLoggedIn(c)}>
        <h1>Deleted</h1>
        <p class="ok" role="status">The image is deleted. Its link no longer works.</p>
        <p>
          <a href="/">Upload a new image</a>
        </p>
      </Layout>,
    ));
  });
  // The delete_url's API form: declared, so that it appears in the OpenAPI document.
  app.openapi(deleteByToken, async (c) => {
    await remove(c);
    return c.body(null, 204);
  });
}
