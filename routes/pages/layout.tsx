import type { Child } from "hono/jsx";

const STYLE = `body{margin:0;font-family:system-ui,sans-serif;background:#f6f7f9;color:#1d2330}
header{background:#1d2330;color:#fff;padding:12px 24px;display:flex;gap:16px;align-items:center}
header a{color:#cfe3ff;text-decoration:none}main{max-width:760px;margin:24px auto;padding:0 16px}
form{display:flex;flex-direction:column;gap:8px;max-width:360px}input,button{font:inherit;padding:8px}
button{background:#2563eb;color:#fff;border:0;border-radius:6px;cursor:pointer}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:6px;border-bottom:1px solid #ddd}
.error{background:#fde8e8;color:#8a1c1c;padding:8px 12px;border-radius:6px}
.ok{background:#e6f6ea;padding:8px 12px;border-radius:6px}code{background:#eef;padding:2px 4px;word-break:break-all}`;

/** The frame every dashboard page shares; server-rendered, no script. */
export function Layout(props: { title: string; loggedIn?: boolean; children?: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title} · imgpro</title>
        <style>{STYLE}</style>
      </head>
      <body>
        <header>
          <strong>imgpro</strong>
          {props.loggedIn
            ? (
              <>
                <a href="/images">Images</a>
                <a href="/tools">Tools</a>
                <a href="/keys">API keys</a>
                <a href="/account">Account</a>
                <form method="post" action="/auth/logout" style="margin-left:auto">
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
        <main>{props.children}</main>
      </body>
    </html>
  );
}

export const page = (node: unknown) => `<!DOCTYPE html>${node}`;
