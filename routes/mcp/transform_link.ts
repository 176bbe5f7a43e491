import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import {
  canonicalString,
  needsSignature,
  parseTransformQuery,
  withFormatAuto,
} from "../../src/delivery/mod.ts";
import type { CallApi } from "./in_process.ts";
import { fromResponse, jsonResult } from "./tool_results.ts";

/**
 * The link for an image with transforms. The parameters go through the link's own parser first,
 * so the tool accepts and refuses exactly what the link would. Geometry (w, h, fit, gravity,
 * dpr) needs a signature: POST /v1/images/{id}/links mints it, for the owner's key only. Other
 * parameters need none, and the link is built here once the image is known to be live.
 */
export async function transformLink(
  args: Record<string, unknown>,
  ctx: { call: CallApi; publicUrl: string },
): Promise<CallToolResult> {
  const { id, ...rest } = args;
  const params: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(rest)) {
    if (typeof value === "string" || typeof value === "number") params[name] = value;
    else if (value !== undefined && value !== null) params[name] = JSON.stringify(value);
  }
  const query = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, [String(v)]]));
  const { params: parsed, auto } = parseTransformQuery(query);
  const image = `/v1/images/${encodeURIComponent(String(id))}`;
  if (needsSignature(parsed)) {
    return fromResponse(
      await ctx.call(`${image}/links`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(params),
      }),
    );
  }
  // The image route answers 404, 410 or 422 (a malformed id) as the link itself would.
  const res = await ctx.call(image);
  if (!res.ok) return fromResponse(res);
  await res.body?.cancel();
  const qs = auto ? withFormatAuto(canonicalString(parsed)) : canonicalString(parsed);
  return jsonResult({ id, url: `${ctx.publicUrl}/${id}${qs ? `?${qs}` : ""}`, params: qs }, 200);
}
