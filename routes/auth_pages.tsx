import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { csrf } from "hono/csrf";
import { z } from "zod";
import { PASSWORD_MAX, PASSWORD_MIN, PASSWORD_RULE, passwordProblem } from "../src/accounts/mod.ts";
import { SESSION_TTL_MS, sessionCookieName } from "../src/accounts/mod.ts";
import { AppError } from "../domain/errors.ts";
import type { AppDeps, AppEnv } from "../src/http/mod.ts";
import { isLoggedIn, Layout, page } from "./pages/layout.tsx";

// Login takes any password an older rule allowed; new ones go through passwordProblem.
const Credentials = z.object({
  email: z.email().max(254),
  password: z.string().min(1, "required").max(PASSWORD_MAX),
});

function AuthForm(
  props: {
    mode: "register" | "login";
    error?: string;
    hint?: string;
    email?: string;
    /** A taken address: offer the login page with the address filled in. */
    offerLogin?: boolean;
    loggedIn?: boolean;
  },
) {
  const register = props.mode === "register";
  const loginHref = `/auth/login?email=${encodeURIComponent(props.email ?? "")}`;
  return (
    <Layout title={register ? "Create an account" : "Log in"} loggedIn={props.loggedIn}>
      <h1>{register ? "Create a free account" : "Log in"}</h1>
      {register ? <p>Free accounts keep uploads permanently, up to 70 MB each.</p> : null}
      {props.error
        ? (
          <p class="error" role="alert">
            {props.error}
            {props.hint ? ` ${props.hint}` : null}
            {props.offerLogin
              ? (
                <>
                  {" "}
                  <a href={loginHref}>Log in</a> instead, or use another address.
                </>
              )
              : null}
          </p>
        )
        : null}
      <form method="post">
        <label>
          E-mail{" "}
          <input
            type="email"
            name="email"
            required
            value={props.email ?? ""}
            autocomplete="email"
          />
        </label>
        <label>
          Password{" "}
          <input
            type="password"
            name="password"
            required
            minlength={register ? PASSWORD_MIN : undefined}
            maxlength={PASSWORD_MAX}
            autocomplete={register ? "new-password" : "current-password"}
            aria-describedby={register ? "password-rule" : undefined}
          />
        </label>
        {register ? <small id="password-rule">{PASSWORD_RULE}</small> : null}
        <button type="submit">{register ? "Create account" : "Log in"}</button>
      </form>
      <p>
        {register
          ? <a href="/auth/login">I have an account</a>
          : <a href="/auth/register">Create an account</a>}
      </p>
    </Layout>
  );
}

/** HttpOnly, SameSite=Lax, and Secure whenever the service is served over https. */
function startSession(c: Context, deps: AppDeps, token: string) {
  setCookie(c, sessionCookieName(deps.config.publicUrl), token, {
    httpOnly: true,
    sameSite: "Lax",
    secure: deps.config.publicUrl.startsWith("https:"),
    path: "/",
    maxAge: SESSION_TTL_MS / 1000,
  });
}

/** The posted form, or null when the body is not a readable form (parseBody throws a TypeError). */
async function readForm(c: Context) {
  let body: Awaited<ReturnType<typeof c.req.parseBody>>;
  try {
    body = await c.req.parseBody();
  } catch {
    return null;
  }
  return { email: String(body.email ?? ""), password: String(body.password ?? "") };
}

/** An API client (JSON preferred, no HTML) gets the error envelope instead of the page. */
const wantsJson = (c: Context) => {
  const accept = c.req.header("accept") ?? "";
  return accept.includes("application/json") && !accept.includes("text/html");
};

/** A body that is not a form at all is the client's fault: the form again, with 400. */
function unreadable(c: Context, mode: "register" | "login") {
  const error = "The form could not be read. Fill it in and send it again.";
  return c.html(page(<AuthForm mode={mode} error={error} />), 400);
}

function formIssue(issue: z.core.$ZodIssue | undefined): string {
  const field = String(issue?.path[0] ?? "form");
  return field === "email" ? "That is not an e-mail address." : `${field}: ${issue?.message}.`;
}

function reserveAuthAttempt(c: Context<AppEnv>, deps: AppDeps) {
  const window = [{ seconds: 900, limit: deps.config.rateLimits.loginFailuresPer15Min }];
  return deps.rateLimiter.reserve("login", c.get("caller").client, window, deps.clock.now());
}

function tooMany(
  c: Context<AppEnv>,
  mode: "login" | "register",
  email: string,
  wait: number,
  what = "Too many failed attempts.",
) {
  c.header("Retry-After", String(wait));
  const error = `${what} Try again in ${Math.ceil(wait / 60)} minutes.`;
  return c.html(page(<AuthForm mode={mode} email={email} error={error} />), 429);
}

export function authPages(app: OpenAPIHono<AppEnv>, deps: AppDeps) {
  app.use("/auth/*", csrf({ origin: new URL(deps.config.publicUrl).origin }));

  app.get(
    "/auth/register",
    (c) => c.html(page(<AuthForm mode="register" loggedIn={isLoggedIn(c)} />)),
  );
  app.post("/auth/register", async (c) => {
    const form = await readForm(c);
    if (!form) return unreadable(c, "register");
    const parsed = Credentials.safeParse(form);
    const problem = parsed.success
      ? passwordProblem(parsed.data.password, parsed.data.email)
      : { message: formIssue(parsed.error.issues[0]), hint: "Correct it and send the form again." };
    if (problem) {
      const field = parsed.success ? "password" : String(parsed.error.issues[0].path[0]);
      if (wantsJson(c)) {
        throw new AppError("validation_error", problem.message, { field, hint: problem.hint });
      }
      return c.html(
        page(
          <AuthForm
            mode="register"
            email={form.email}
            error={problem.message}
            hint={problem.hint}
          />,
        ),
        422,
      );
    }
    // Sign-ups draw on the login budget too: "already exists" would otherwise tell anyone, as
    // fast as they can ask, which addresses have accounts.
    const attempt = await reserveAuthAttempt(c, deps);
    if (!attempt.ok) return tooMany(c, "register", form.email, attempt.wait);
    const signup = await deps.rateLimiter.reserve(
      "signup",
      c.get("caller").client,
      [{ seconds: 3600, limit: deps.config.rateLimits.signupsPerHour }],
      deps.clock.now(),
    );
    if (!signup.ok) {
      await attempt.refund();
      const what = "Too many accounts were created from this network in the last hour.";
      return tooMany(c, "register", form.email, signup.wait, what);
    }
    let created = false;
    try {
      const accountId = await deps.accounts.register(parsed.data!.email, parsed.data!.password);
      created = true;
      await attempt.refund();
      startSession(c, deps, await deps.sessions.create(accountId));
      return c.redirect("/keys?welcome=1", 303);
    } catch (err) {
      if (err instanceof AppError && err.code === "already_exists") {
        // The person probably has an account already: say so and offer the way in. The attempt
        // stays spent, so this answer is rate limited exactly like a failed login.
        return c.html(
          page(
            <AuthForm
              mode="register"
              email={form.email}
              error="This e-mail address is already registered: an account with it already exists."
              offerLogin
            />,
          ),
          409,
        );
      }
      throw err;
    } finally {
      // Only an account made counts against the hourly sign-ups.
      if (!created) await signup.refund();
    }
  });

  app.get(
    "/auth/login",
    (c) =>
      c.html(page(
        <AuthForm
          mode="login"
          email={c.req.query("email")?.slice(0, 254)}
          loggedIn={isLoggedIn(c)}
        />,
      )),
  );
  app.post("/auth/login", async (c) => {
    const form = await readForm(c);
    if (!form) return unreadable(c, "login");
    const attempt = await reserveAuthAttempt(c, deps);
    if (!attempt.ok) return tooMany(c, "login", form.email, attempt.wait);
    const accountId = await deps.accounts.verifyLogin(form.email, form.password);
    if (!accountId) {
      return c.html(
        page(<AuthForm mode="login" email={form.email} error="Wrong e-mail or password." />),
        401,
      );
    }
    // Only failures use up the budget.
    await attempt.refund();
    startSession(c, deps, await deps.sessions.create(accountId));
    return c.redirect("/images", 303);
  });

  app.post("/auth/logout", async (c) => {
    const name = sessionCookieName(deps.config.publicUrl);
    const token = getCookie(c, name);
    if (token) await deps.sessions.destroy(token);
    deleteCookie(c, name, { path: "/", secure: name.startsWith("__Host-") });
    return c.redirect("/auth/login", 303);
  });
  // Logging out changes state, so GET only offers the button (a link cannot log anyone out).
  app.get("/auth/logout", (c) =>
    c.html(page(
      <Layout title="Log out" loggedIn={c.get("caller").kind === "account"}>
        <h1>Log out</h1>
        <form method="post" action="/auth/logout">
          <button type="submit">Log out</button>
        </form>
      </Layout>,
    )));
}
