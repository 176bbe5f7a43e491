import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { AppError } from "../http/app_error.ts";
import { type Caller, requireAccount } from "../http/caller.ts";
import type { ImageQueries } from "../images/image_queries.ts";
import { needsSignature } from "../transform/params.ts";
import { parseTransformQuery } from "../transform/query_schema.ts";
import { signedQuery } from "../transform/signing.ts";
import type { CallApi } from "./in_process.ts";
import { fromResponse, jsonResult } from "./tool_results.ts";

export type LinkContext = {
  call: CallApi;
  /** Who sent the MCP request, by key only (sessions do not act through /mcp). */
  caller: Caller;
  queries: ImageQueries;
  secret: string;
  publicUrl: string;
};

/**
 * The link for an image with transforms. The parameters go through the link's own parser, so
 * the tool accepts and refuses exactly what the link would; geometry (w, h, fit, gravity, dpr)
 * is signed, and only the image's owner may have a link signed, as with POST /v1/images/{id}/links.
 */
export async function transformLink(
  args: Record<string, unknown>,
  ctx: LinkContext,
): Promise<CallToolResult> {
  const { id, ...rest } = args;
  const query: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(rest)) {
    // A signature is ours to compute; one passed in is not carried over.
    if (value !== undefined && value !== null && name !== "sig") query[name] = [String(value)];
  }
  const { params, canonical } = parseTransformQuery(query);
  // The public image route answers 404, 410 or 422 (a malformed id) just as it would for a link.
  const image = await ctx.call(`/v1/images/${encodeURIComponent(String(id))}`);
  if (!image.ok) return fromResponse(image);
  await image.body?.cancel();
  const signed = needsSignature(params);
  if (signed) {
    const owner = requireAccount(ctx.caller, ctx.publicUrl);
    const doc = await ctx.queries.get(String(id));
    if (doc?.owner !== owner) {
      throw new AppError("forbidden", "Only the image's owner can sign resize or crop links.", {
        type: "fix",
        hint: "Use the owner's API key, or leave out w, h, fit, gravity and dpr.",
      });
    }
  }
  const qs = await signedQuery(ctx.secret, String(id), params);
  const url = `${ctx.publicUrl}/${id}${qs ? `?${qs}` : ""}`;
  return jsonResult({ id, url, params: canonical, signed }, 200);
}
