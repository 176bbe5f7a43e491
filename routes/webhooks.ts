import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { requireAccount } from "../src/http/mod.ts";
import type { AppDeps, AppEnv } from "../src/http/mod.ts";
import { MAX_URL_LENGTH } from "../src/fetcher/mod.ts";
import { MAX_WEBHOOKS_PER_ACCOUNT, WEBHOOK_EVENT_TYPES } from "../src/webhooks/mod.ts";
import { errorResponses } from "./schemas.ts";

const security = [{ bearer: [] }];
const EventType = z.enum(WEBHOOK_EVENT_TYPES);

const WebhookSchema = z.object({
  id: z.string().openapi({ example: "wh_4fJ0cK2Lq9sX1bN7yT3mZ8" }),
  url: z.string(),
  events: z.array(EventType),
  created_at: z.number().int().openapi({ description: "Unix seconds" }),
  status: z.enum(["active", "retrying", "failed"]).openapi({
    description: "retrying: a delivery is being retried; failed: one gave up after 24 h " +
      "(a later success makes it active again)",
  }),
  delivered: z.number().int(),
  failed_deliveries: z.number().int(),
  pending: z.number().int().openapi({ description: "Deliveries queued or being retried" }),
}).openapi("Webhook");

const AttemptSchema = z.object({
  msg_id: z.string().openapi({ description: "The webhook-id header of the delivery" }),
  type: EventType,
  image_id: z.string(),
  attempt: z.number().int(),
  at: z.number().int().openapi({ description: "Unix seconds" }),
  status_code: z.number().int().nullable(),
  error: z.string().nullable(),
  result: z.enum(["delivered", "retrying", "failed"]),
  next_attempt_at: z.number().int().nullable(),
}).openapi("WebhookAttempt");

const Id = z.object({ id: z.string().max(40).openapi({ example: "wh_4fJ0cK2Lq9sX1bN7yT3mZ8" }) });

const routes = {
  create: createRoute({
    method: "post",
    path: "/v1/webhooks",
    summary: "Register a webhook for your images' events",
    description: "Deliveries are POSTs of `{type, timestamp, data}` signed as Standard Webhooks " +
      "do: `webhook-id` (the same on every retry), `webhook-timestamp` (Unix seconds) and " +
      "`webhook-signature: v1,<base64 HMAC-SHA256 over id.timestamp.body>`, keyed with the " +
      "bytes of the `whsec_` secret (base64 after the prefix), returned only here. Any 2xx " +
      "within 10 s is success; anything else is retried with backoff (5 s, 30 s, 2 min, " +
      "10 min, 30 min, 1 h, 2 h, 4 h, then every 8 h) for 24 h, then marked failed. At least " +
      "once, in order per webhook. The URL must be https and pass the same address rules as " +
      `imports (plain http only for IMPORT_ALLOW_HOSTS); at most ${MAX_WEBHOOKS_PER_ACCOUNT} ` +
      "per account.",
    security,
    request: {
      body: {
        required: true,
        content: {
          "application/json": {
            schema: z.object({
              url: z.string().max(MAX_URL_LENGTH).openapi({
                example: "https://example.com/hooks/imgpro",
              }),
              events: z.array(EventType).min(1).max(WEBHOOK_EVENT_TYPES.length),
            }).strict(),
          },
        },
      },
    },
    responses: {
      201: {
        description: "Registered; keep the secret, it is not shown again",
        content: {
          "application/json": {
            schema: WebhookSchema.extend({
              secret: z.string().openapi({ example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }),
            }),
          },
        },
      },
      ...errorResponses("validation_error", "url_not_allowed"),
    },
  }),
  list: createRoute({
    method: "get",
    path: "/v1/webhooks",
    summary: "Your webhooks",
    security,
    responses: {
      200: {
        description: "Oldest first",
        content: { "application/json": { schema: z.object({ data: z.array(WebhookSchema) }) } },
      },
      ...errorResponses(),
    },
  }),
  get: createRoute({
    method: "get",
    path: "/v1/webhooks/{id}",
    summary: "A webhook with its recent delivery attempts (newest first)",
    security,
    request: { params: Id },
    responses: {
      200: {
        description: "The webhook",
        content: {
          "application/json": {
            schema: WebhookSchema.extend({ recent_attempts: z.array(AttemptSchema) }),
          },
        },
      },
      ...errorResponses("not_found"),
    },
  }),
  remove: createRoute({
    method: "delete",
    path: "/v1/webhooks/{id}",
    summary: "Remove a webhook; nothing more is sent to it",
    security,
    request: { params: Id },
    responses: { 204: { description: "Removed" }, ...errorResponses("not_found") },
  }),
};

export function webhookRoutes(app: OpenAPIHono<AppEnv>, deps: AppDeps) {
  app.openapi(routes.create, async (c) => {
    const owner = requireAccount(c.get("caller"));
    const { url, events } = c.req.valid("json");
    const created = await deps.webhooks.create(owner, url, events);
    c.header("Cache-Control", "no-store");
    c.header("Location", `${deps.config.publicUrl}/v1/webhooks/${created.id}`);
    return c.json(created, 201);
  });
  app.openapi(routes.list, async (c) => {
    const owner = requireAccount(c.get("caller"));
    return c.json({ data: await deps.webhooks.list(owner) }, 200);
  });
  app.openapi(routes.get, async (c) => {
    const owner = requireAccount(c.get("caller"));
    return c.json(await deps.webhooks.get(owner, c.req.valid("param").id), 200);
  });
  app.openapi(routes.remove, async (c) => {
    const owner = requireAccount(c.get("caller"));
    await deps.webhooks.delete(owner, c.req.valid("param").id);
    return c.body(null, 204);
  });
}
