import type { MiddlewareHandler } from "hono";

/**
 * The pages' Content-Security-Policy: a second line of defence behind the escaping. Scripts are
 * same-origin files, or inline ones named by their hash (`scriptSources`); styles are files only
 * (nothing inline, no `style=` attributes); images may also
 * come from PUBLIC_URL, which the pages link images with. Nothing may frame a page, and forms
 * post only here.
 */
export function pageCsp(publicUrl: string, scriptSources: string[] = []): string {
  const origin = new URL(publicUrl).origin;
  return [
    "default-src 'self'",
    ["script-src 'self'", ...scriptSources].join(" "),
    "style-src 'self'",
    `img-src 'self' data: blob: ${origin}`,
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join("; ");
}

/**
 * /api only, for Scalar's bundle: it injects its styles as `<style>` elements at run time, which
 * no hash can name in advance ('unsafe-inline' for styles, which cannot run code), and compiles
 * code at run time ('unsafe-eval'; seen in Chromium as a script-src violation for eval). Scripts
 * still load only from this origin, and the page renders nothing but our own OpenAPI document.
 */
export function apiReferenceCsp(publicUrl: string): string {
  return pageCsp(publicUrl)
    .replace("script-src 'self'", "script-src 'self' 'unsafe-eval'")
    .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");
}

/**
 * Sets the page CSP on every response that has none of its own: image bytes keep their sandbox
 * policy (routes/delivery.ts) and /api its relaxed one.
 */
export function pageCspMiddleware(publicUrl: string): MiddlewareHandler {
  const policy = pageCsp(publicUrl);
  return async (c, next) => {
    await next();
    if (!c.res.headers.has("content-security-policy")) {
      c.res.headers.set("Content-Security-Policy", policy);
    }
  };
}
