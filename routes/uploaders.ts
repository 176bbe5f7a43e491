import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppDeps, AppEnv } from "../src/http/mod.ts";
import { sharexConfig, uploaderScript } from "../src/uploaders/mod.ts";
import { errorResponses } from "./schemas.ts";

const keyNote = "Keys are stored hashed, so the file carries the key this request was " +
  "authenticated with (`Authorization: Bearer …`); without one it uploads anonymously.";

const routes = {
  sharex: createRoute({
    method: "get",
    path: "/v1/uploaders/sharex",
    summary: "A ShareX custom uploader (.sxcu) for this server",
    description: keyNote,
    responses: {
      200: {
        description: "The .sxcu file (JSON), as a download",
        content: {
          "application/json": {
            schema: z.object({
              Version: z.string(),
              Name: z.string(),
              DestinationType: z.literal("ImageUploader"),
              RequestMethod: z.literal("POST"),
              RequestURL: z.string(),
              Headers: z.object({ Authorization: z.string() }).optional(),
              Body: z.literal("MultipartFormData"),
              FileFormName: z.literal("file"),
              URL: z.string(),
              ThumbnailURL: z.string(),
              DeletionURL: z.string(),
              ErrorMessage: z.string(),
            }).openapi("ShareXUploader"),
          },
        },
      },
      ...errorResponses(),
    },
  }),
  script: createRoute({
    method: "get",
    path: "/v1/uploaders/flameshot",
    summary: "An uploader shell script (curl) for Flameshot, Spectacle or any screenshot tool",
    description: `${keyNote} Run it with a file, or pipe an image into it ` +
      "(`flameshot gui --raw | sh imgpro-upload.sh`); it prints the link.",
    responses: {
      200: {
        description: "The POSIX sh script, as a download",
        content: { "text/x-shellscript": { schema: z.string() } },
      },
      ...errorResponses(),
    },
  }),
};

/** The bearer key this request was authenticated with; a session or no key gives none. */
function bearerKey(c: Context<AppEnv>): string | undefined {
  const caller = c.get("caller");
  if (caller.kind !== "account" || caller.via !== "key") return undefined;
  return /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("authorization") ?? "")?.[1];
}

function download(c: Context<AppEnv>, filename: string) {
  // The file may hold a key: no cache keeps it, and a browser saves it rather than shows it.
  c.header("Cache-Control", "no-store");
  c.header("Content-Disposition", `attachment; filename="${filename}"`);
}

export function uploaderRoutes(app: OpenAPIHono<AppEnv>, deps: AppDeps) {
  app.openapi(routes.sharex, (c) => {
    download(c, `${new URL(deps.config.publicUrl).hostname}.sxcu`);
    return c.json(sharexConfig(deps.config.publicUrl, bearerKey(c)), 200);
  });
  app.openapi(routes.script, (c) => {
    download(c, "imgpro-upload.sh");
    c.header("Content-Type", "text/x-shellscript; charset=utf-8");
    return c.body(uploaderScript(deps.config.publicUrl, bearerKey(c)), 200);
  });
}
