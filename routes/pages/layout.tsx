// deno-lint-ignore-file jsx-key -- server-rendered hono/jsx has no reconciler; a key would be printed as an HTML attribute
import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { AppEnv } from "../../src/http/mod.ts";
import { type AssetName, assetUrl } from "./assets.ts";

/** Whether the page is for a logged-in person: the header then offers their pages. */
export const isLoggedIn = (c: Context<AppEnv>) => c.get("caller")?.kind === "account";

/** The header every page shares: the way back to the upload form and, logged in, the dashboard. */
export function SiteHeader(props: { loggedIn?: boolean }) {
  return (
    <header>
      <a href="/" class="brand">imgpro</a>
      <a href="/">Upload</a>
      {props.loggedIn
        ? (
          <>
            <a href="/images">Images</a>
            <a href="/tools">Tools</a>
            <a href="/keys">API keys</a>
            <a href="/account">Account</a>
            <form method="post" action="/auth/logout" class="inline">
              <button type="submit">Log out</button>
            </form>
          </>
        )
        : (
          <>
            <a href="/auth/login">Log in</a>
            <a href="/auth/register">Create account</a>
          </>
        )}
    </header>
  );
}

/**
 * The frame every dashboard page shares; server-rendered. Styles and scripts are same-origin
 * files (routes/pages/assets.ts): the pages' CSP allows nothing inline.
 */
export function Layout(
  props: { title: string; loggedIn?: boolean; scripts?: AssetName[]; children?: Child },
) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title} · imgpro</title>
        <link rel="icon" href="/favicon.ico" />
        <link rel="stylesheet" href={assetUrl("app.css")} />
      </head>
      <body>
        <SiteHeader loggedIn={props.loggedIn} />
        <main>{props.children}</main>
        {(props.scripts ?? []).map((s) => <script src={assetUrl(s)} defer></script>)}
      </body>
    </html>
  );
}

export const page = (node: unknown) => `<!DOCTYPE html>${node}`;
