import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { CAPTION_MAX, Metadata } from "../domain/image/events.ts";
import { AppError, fixError } from "../domain/errors.ts";
import { requireAccount } from "../src/http/mod.ts";
import { problemOf } from "../src/http/mod.ts";
import type { AppDeps, AppEnv } from "../src/http/mod.ts";
import { imageObject, isLive } from "../src/images/mod.ts";
import { toUnixSeconds } from "../src/clock.ts";
import { errorResponses, ErrorSchema, ImageObjectSchema } from "./schemas.ts";

const OwnerImage = ImageObjectSchema.extend({
  source: z.enum(["upload", "import"]),
  source_url: z.string().optional(),
  frames: z.number().int(),
  version: z.number().int().openapi({
    description: 'Stream version; send it back as If-Match: W/"<version>"',
  }),
}).openapi("OwnedImage");
const Id = z.object({
  id: z.string().regex(/^[0-9A-Za-z]{10}$/).openapi({ example: "V1StGXR8Z5" }),
});
const security = [{ bearer: [] }];
const BULK_MAX = 100;
const BulkResult = z.object({
  id: z.string(),
  status: z.enum(["deleted", "failed"]),
  error: ErrorSchema.optional().openapi({ description: "With status failed" }),
});

const routes = {
  list: createRoute({
    method: "get",
    path: "/v1/images",
    summary: "The caller's images, newest first",
    security,
    request: {
      query: z.object({
        limit: z.coerce.number().int().min(1).max(100).default(50),
        cursor: z.string().max(500).optional(),
      }),
    },
    responses: {
      200: {
        description: "A page of images",
        content: {
          "application/json": {
            schema: z.object({
              data: z.array(OwnerImage),
              next_cursor: z.string().nullable(),
              has_more: z.boolean(),
            }),
          },
        },
      },
      ...errorResponses("validation_error"),
    },
  }),
  get: createRoute({
    method: "get",
    path: "/v1/images/{id}",
    summary: "An image object (the owner sees everything, others the public fields)",
    request: { params: Id },
    responses: {
      200: {
        description: "The image",
        content: { "application/json": { schema: OwnerImage.partial().required({ id: true }) } },
      },
      ...errorResponses("validation_error", "not_found", "gone"),
    },
  }),
  patch: createRoute({
    method: "patch",
    path: "/v1/images/{id}",
    summary: "Change caption or attribution metadata",
    security,
    request: {
      params: Id,
      headers: z.object({ "if-match": z.string().max(40).optional() }),
      body: {
        required: true,
        content: {
          "application/json": {
            schema: z.object({
              caption: z.string().max(CAPTION_MAX).nullable().optional(),
              metadata: Metadata.optional(),
            })
              .strict(),
          },
        },
      },
    },
    responses: {
      200: { description: "Updated", content: { "application/json": { schema: OwnerImage } } },
      ...errorResponses("validation_error", "not_found", "gone", "precondition_failed"),
    },
  }),
  remove: createRoute({
    method: "delete",
    path: "/v1/images/{id}",
    summary: "Delete an image; its link answers 410 from then on",
    security,
    request: { params: Id },
    responses: {
      204: { description: "Deleted" },
      ...errorResponses("validation_error", "not_found", "gone"),
    },
  }),
  removeMany: createRoute({
    method: "delete",
    path: "/v1/images",
    summary: "Delete up to 100 of the caller's images at once",
    description: "Each id is deleted on its own and reported in `results`, in the order sent " +
      "(duplicates once): `deleted`, or `failed` with the error a single DELETE would answer " +
      "(not_found for an id that is not the caller's, gone for one already deleted or expired).",
    security,
    request: {
      body: {
        required: true,
        content: {
          "application/json": {
            schema: z.object({ ids: z.array(Id.shape.id).min(1).max(BULK_MAX) }).strict(),
          },
        },
      },
    },
    responses: {
      200: {
        description: "What happened to each id",
        content: {
          "application/json": {
            schema: z.object({
              deleted: z.number().int().openapi({ description: "How many were deleted" }),
              failed: z.number().int(),
              results: z.array(BulkResult),
            }).openapi("BulkDeleteResult"),
          },
        },
      },
      ...errorResponses("validation_error"),
    },
  }),
};

/** `W/"3"` (or `"3"`) → 3; anything else is a malformed precondition. */
function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const m = /^(?:W\/)?"(\d+)"$/.exec(header.trim());
  if (!m) {
    throw fixError(
      "validation_error",
      'If-Match must be the image\'s ETag, e.g. W/"2".',
      "Use the ETag from GET /v1/images/{id}.",
      "If-Match",
    );
  }
  return Number(m[1]);
}

export function imagesApi(app: OpenAPIHono<AppEnv>, deps: AppDeps) {
  app.openapi(routes.list, async (c) => {
    const owner = requireAccount(c.get("caller"));
    const { limit, cursor } = c.req.valid("query");
    return c.json(await deps.images.list(owner, limit, cursor), 200);
  });

  app.openapi(routes.get, async (c) => {
    const { id } = c.req.valid("param");
    const caller = c.get("caller");
    const doc = await deps.queries.get(id);
    if (!doc) {
      throw new AppError("not_found", `No image with id ${id}.`, {
        hint: "Check the id.",
      });
    }
    if (!isLive(doc, toUnixSeconds(deps.clock.now()))) {
      throw new AppError("gone", `Image ${id} has expired or was deleted.`, {
        hint: "Upload it again.",
      });
    }
    if (caller.kind === "account" && caller.accountId === doc.owner) {
      c.header("ETag", `W/"${doc.version}"`);
      return c.json(deps.images.ownerView(doc), 200);
    }
    const { upgrade: _u, ...pub } = imageObject(doc, deps.config.publicUrl);
    return c.json(pub, 200);
  });

  app.openapi(routes.patch, async (c) => {
    const owner = requireAccount(c.get("caller"));
    const { id } = c.req.valid("param");
    const expect = parseIfMatch(c.req.valid("header")["if-match"]);
    const updated = await deps.images.edit(id, owner, c.req.valid("json"), expect);
    c.header("ETag", `W/"${updated.version}"`);
    return c.json(updated, 200);
  });

  app.openapi(routes.removeMany, async (c) => {
    const owner = requireAccount(c.get("caller"));
    const outcomes = await deps.images.deleteManyOwned(c.req.valid("json").ids, owner);
    // Each failure reads as the envelope a single DELETE of that id would answer.
    const results = await Promise.all(outcomes.map(async (r) => {
      if (r.status === "deleted") return r;
      const { code, message, action } = await problemOf(r.error, deps, owner);
      return { id: r.id, status: r.status, error: { error: code, message, action } };
    }));
    const deleted = results.filter((r) => r.status === "deleted").length;
    return c.json({ deleted, failed: results.length - deleted, results }, 200);
  });

  app.openapi(routes.remove, async (c) => {
    const owner = requireAccount(c.get("caller"));
    await deps.images.deleteOwned(c.req.valid("param").id, owner);
    return c.body(null, 204);
  });
}
