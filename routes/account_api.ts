import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { usageOf } from "../src/accounts/mod.ts";
import { toUnixSeconds } from "../src/clock.ts";
import { AppError } from "../domain/errors.ts";
import { requireAccount } from "../src/http/mod.ts";
import type { AppDeps, AppEnv } from "../src/http/mod.ts";
import { errorResponses } from "./schemas.ts";

const Usage = z.object({
  plan: z.enum(["free", "pro", "scale", "max"]),
  uploads_used: z.number().int(),
  uploads_limit: z.number().int(),
  storage_used_bytes: z.number().int(),
  storage_limit_bytes: z.number().int(),
  period: z.string().openapi({ example: "2026-11" }),
}).openapi("Usage");

const Account = z.object({
  id: z.string(),
  email: z.string().nullable(),
  created_at: z.number().int(),
  usage: Usage,
})
  .openapi("Account");
const Key = z.object({
  key_id: z.string(),
  name: z.string(),
  prefix: z.string(),
  created_at: z.number().int(),
  revoked_at: z.number().int().optional(),
}).openapi("ApiKey");
const CreatedKey = z.object({
  key: z.string(),
  key_id: z.string(),
  name: z.string(),
  created_at: z.number().int(),
})
  .openapi("CreatedApiKey");
const security = [{ bearer: [] }];

const routes = {
  account: createRoute({
    method: "get",
    path: "/v1/account",
    summary: "Plan, limits and usage this period",
    security,
    responses: {
      200: { description: "The account", content: { "application/json": { schema: Account } } },
      ...errorResponses(),
    },
  }),
  createKey: createRoute({
    method: "post",
    path: "/v1/keys",
    summary: "Create an API key (the secret is shown once)",
    security,
    request: {
      body: {
        required: true,
        content: {
          "application/json": { schema: z.object({ name: z.string().trim().min(1).max(100) }) },
        },
      },
    },
    responses: {
      201: { description: "Created", content: { "application/json": { schema: CreatedKey } } },
      ...errorResponses("validation_error"),
    },
  }),
  listKeys: createRoute({
    method: "get",
    path: "/v1/keys",
    summary: "List API keys, without secrets",
    security,
    responses: {
      200: {
        description: "Keys",
        content: { "application/json": { schema: z.object({ data: z.array(Key) }) } },
      },
      ...errorResponses(),
    },
  }),
  revokeKey: createRoute({
    method: "delete",
    path: "/v1/keys/{key_id}",
    summary: "Revoke an API key",
    security,
    request: { params: z.object({ key_id: z.string().max(40) }) },
    responses: {
      204: { description: "Revoked" },
      ...errorResponses("validation_error", "not_found"),
    },
  }),
};

export function accountApi(app: OpenAPIHono<AppEnv>, deps: AppDeps) {
  const load = async (id: string) => {
    const doc = await deps.accounts.get(id);
    if (!doc) {
      throw new AppError("unauthorized", "This account no longer exists.", {
        hint: "Log in again.",
      });
    }
    return doc;
  };

  app.openapi(routes.account, async (c) => {
    const doc = await load(requireAccount(c.get("caller")));
    const usage = usageOf(doc, deps.config, toUnixSeconds(deps.clock.now()));
    return c.json({
      id: doc.id,
      email: await deps.accounts.email(doc),
      created_at: doc.created_at,
      usage,
    }, 200);
  });

  app.openapi(routes.createKey, async (c) => {
    const accountId = requireAccount(c.get("caller"));
    const created = await deps.accounts.createKey(accountId, c.req.valid("json").name);
    c.header("Cache-Control", "no-store");
    return c.json(created, 201);
  });

  app.openapi(routes.listKeys, async (c) => {
    const doc = await load(requireAccount(c.get("caller")));
    return c.json({ data: doc.keys }, 200);
  });

  app.openapi(routes.revokeKey, async (c) => {
    const accountId = requireAccount(c.get("caller"));
    await deps.accounts.revokeKey(accountId, c.req.valid("param").key_id);
    return c.body(null, 204);
  });
}
