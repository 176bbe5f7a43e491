import assert from "node:assert/strict";
import { AppError, fixError, retryError } from "../../domain/errors.ts";
import { verifyUpgrade } from "../accounts/upgrade_links.ts";
import { loadConfig } from "../config.ts";
import { problemOf } from "./error_mapping.ts";

const NOW = Date.UTC(2026, 11, 4);
const ctx = {
  config: loadConfig({ PUBLIC_URL: "https://img.example" }),
  secret: "s".repeat(32),
  clock: { now: () => NOW },
};

Deno.test("a refusal with a hint answers fix, naming the field, with the catalogue's status", async () => {
  const p = await problemOf(fixError("invalid_transform", "w=0", "w takes 1-8192.", "w"), ctx);
  assert.equal(p.status, 400);
  assert.deepEqual(p.action, { type: "fix", field: "w", hint: "w takes 1-8192." });
  assert.deepEqual(p.body, { error: "invalid_transform", message: "w=0", action: p.action });
  assert.equal(p.headers["Retry-After"], undefined);
});

Deno.test("retry seconds become a retry action and Retry-After; a rate limit becomes wait", async () => {
  const busy = await problemOf(retryError("overloaded", "Busy.", 3), ctx);
  assert.equal(busy.status, 503);
  assert.deepEqual(busy.action, { type: "retry", seconds: 3 });
  assert.equal(busy.headers["Retry-After"], "3");
  const limited = await problemOf(retryError("rate_limited", "Slow down.", 120), ctx);
  assert.equal(limited.status, 429);
  assert.deepEqual(limited.action, { type: "wait", seconds: 120 });
});

Deno.test("internal codes answer as their public twin and never leak", async () => {
  const taken = await problemOf(new AppError("already_exists", "Taken.", { field: "email" }), ctx);
  assert.equal(taken.code, "validation_error");
  assert.equal(taken.status, 422);
  assert.deepEqual(taken.action, { type: "fix", field: "email", hint: "Taken." });
  const early = await problemOf(new AppError("not_due", "Image x is not due to expire."), ctx);
  assert.equal(early.status, 500);
  assert.doesNotMatch(early.message, /not due/);
});

Deno.test("a register remedy links the sign-up page with a label for the limit", async () => {
  const p = await problemOf(new AppError("file_too_large", "Too big.", { register: true }), ctx);
  assert.equal(p.status, 413);
  assert.equal(p.action.type, "register");
  assert.ok(p.action.type === "register" && p.action.url.startsWith("https://img.example/"));
  assert.ok(p.action.type === "register" && p.action.label.includes("70 MB"), p.action.label);
});

Deno.test("a quota refusal carries the usage and a signed upgrade link bound to the account", async () => {
  const usage = { plan: "free", uploads_used: 3, uploads_limit: 3 };
  const err = new AppError("quota_exceeded", "Monthly upload limit reached.", { extra: { usage } });
  const p = await problemOf(err, ctx, "acct1");
  assert.equal(p.status, 403);
  assert.deepEqual(p.body.usage, usage);
  assert.ok(p.action.type === "upgrade", JSON.stringify(p.action));
  const url = new URL(p.action.url);
  const [account, exp, sig] = ["account", "exp", "sig"].map((k) => url.searchParams.get(k)!);
  const plan = url.pathname.split("/").pop()!;
  assert.equal(account, "acct1");
  assert.equal(await verifyUpgrade(ctx.secret, { account, plan, exp, sig }, NOW / 1000), "ok");
  const top = new AppError("quota_exceeded", "Limit.", { extra: { usage: { plan: "max" } } });
  const contact = await problemOf(top, ctx, "acct1");
  assert.deepEqual(contact.action, { type: "contact", url: "https://img.example/contact" });
});

Deno.test("a refusal survives structuredClone and maps to the same problem", async () => {
  const err = new AppError("image_too_large", "Too many pixels.", {
    hint: "Scale it down.",
    extra: { limit: 50_000_000 },
  });
  const back = AppError.fromData(structuredClone(err.toData()));
  assert.deepEqual(await problemOf(back, ctx), await problemOf(err, ctx));
});
