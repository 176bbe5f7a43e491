import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { requireAccount } from "../src/http/mod.ts";
import type { AppDeps, AppEnv } from "../src/http/mod.ts";
import { parseTransformQuery, signedQuery, withFormatAuto } from "../src/delivery/mod.ts";
import { errorResponses } from "./schemas.ts";

const Param = z.union([z.string().max(64), z.number()]);

const route = createRoute({
  method: "post",
  path: "/v1/images/{id}/links",
  summary: "Mint a signed link with resize, crop or gravity parameters baked in",
  description: "The parameters are those of the image link (SPEC §5), validated the same way. " +
    "`w`, `h`, `fit`, `gravity` and `dpr` only work in a link signed here.",
  security: [{ bearer: [] }],
  request: {
    params: z.object({ id: z.string().regex(/^[0-9A-Za-z]{10}$/) }),
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.record(z.string().max(20), Param).openapi({
            example: { w: 600, h: 400, fit: "cover", gravity: "auto", format: "webp" },
          }),
        },
      },
    },
  },
  responses: {
    201: {
      description: "The signed link",
      content: {
        "application/json": {
          schema: z.object({ id: z.string(), url: z.string(), params: z.string() }).openapi(
            "SignedLink",
          ),
        },
      },
    },
    ...errorResponses(400, 401, 404, 410, 422),
  },
});

/** The owner's way to make resized variants that strangers cannot vary (SPEC §5). */
export function signedLinks(app: OpenAPIHono<AppEnv>, deps: AppDeps) {
  app.openapi(route, async (c) => {
    const owner = requireAccount(c.get("caller"));
    const { id } = c.req.valid("param");
    await deps.images.owned(id, owner);
    const query: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(c.req.valid("json"))) query[name] = [String(value)];
    const { params, auto } = parseTransformQuery(query);
    const signed = await signedQuery(deps.secret, id, params);
    const q = auto ? withFormatAuto(signed) : signed;
    return c.json({ id, url: `${deps.config.publicUrl}/${id}${q ? `?${q}` : ""}`, params: q }, 201);
  });
}
