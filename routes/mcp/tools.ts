import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { decodeBase64Url } from "../../src/encoding.ts";
import { formatBytes } from "../../src/format_bytes.ts";
import { AppError, fixError } from "../../domain/errors.ts";
import type { CallApi } from "./in_process.ts";
import { fromAppError, fromResponse } from "./tool_results.ts";
import type { ErrorContext } from "../../src/http/mod.ts";
import { MCP_UPLOAD_MAX_BYTES, type ToolName } from "./tool_specs.ts";
import { transformLink } from "./transform_link.ts";

/** The in-process API, and what the error mapping needs to answer a tool's own refusals. */
export type ToolContext = ErrorContext & { call: CallApi };
type Args = Record<string, unknown>;

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});

/**
 * The key travels as the Idempotency-Key header, which cannot hold a newline or a character
 * beyond Latin-1 (Headers throws a TypeError). Printable ASCII keeps it the same on every hop,
 * so anything else is refused with the envelope the route uses for a bad key.
 */
const IDEMPOTENCY_KEY = /^[\x21-\x7e](?:[\x20-\x7e]{0,253}[\x21-\x7e])?$/;

function idempotency(args: Args): Record<string, string> {
  const key = args.idempotency_key;
  if (typeof key !== "string") return {};
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw fixError(
      "validation_error",
      "idempotency_key must be 1 to 255 printable ASCII characters.",
      "Use a UUID.",
      "idempotency_key",
    );
  }
  return { "idempotency-key": key };
}

/**
 * encodeURIComponent throws a URIError on a lone surrogate; made well-formed (U+FFFD), the id
 * reaches the route, which refuses it with the same envelope as over HTTP.
 */
const path = (id: unknown) => `/v1/images/${encodeURIComponent(String(id).toWellFormed())}`;

/** Strict, so that a typo is refused rather than stored as something else. */
function decodeData(data: string): Uint8Array<ArrayBuffer> {
  const text = data.replace(/^data:[^,]*;base64,/i, "").replace(/\s+/g, "");
  const decodedSize = Math.floor(text.replace(/=+$/, "").length * 3 / 4);
  if (decodedSize > MCP_UPLOAD_MAX_BYTES) {
    throw fixError(
      "file_too_large",
      `upload_image takes at most ${formatBytes(MCP_UPLOAD_MAX_BYTES)}.`,
      "Use import_image with the image's URL, or POST /v1/upload, for larger files.",
      "data",
    );
  }
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) {
    throw fixError(
      "validation_error",
      "data is not base64.",
      "Send the bytes base64-encoded.",
      "data",
    );
  }
  try {
    return decodeBase64Url(text);
  } catch {
    throw fixError(
      "validation_error",
      "data is not base64.",
      "Send the bytes base64-encoded.",
      "data",
    );
  }
}

const HANDLERS: Record<ToolName, (args: Args, ctx: ToolContext) => Promise<CallToolResult>> = {
  import_image: async (args, ctx) => {
    const { idempotency_key: _key, ...body } = args;
    return fromResponse(await ctx.call("/v1/import", json(body, idempotency(args))));
  },
  upload_image: async (args, ctx) => {
    const bytes = decodeData(String(args.data));
    const form = new FormData();
    form.append("file", new Blob([bytes]), String(args.filename ?? "upload"));
    if (args.caption !== undefined) form.append("caption", String(args.caption));
    if (args.ttl !== undefined) form.append("ttl", String(args.ttl));
    const init = { method: "POST", body: form, headers: idempotency(args) };
    return fromResponse(await ctx.call("/v1/upload", init));
  },
  get_image: async (args, ctx) => fromResponse(await ctx.call(path(args.id))),
  list_images: async (args, ctx) => {
    const query = new URLSearchParams();
    if (args.limit !== undefined) query.set("limit", String(args.limit));
    if (typeof args.cursor === "string") query.set("cursor", args.cursor);
    return fromResponse(await ctx.call(`/v1/images?${query}`));
  },
  delete_image: async (args, ctx) =>
    fromResponse(await ctx.call(path(args.id), { method: "DELETE" }), {
      id: args.id,
      deleted: true,
    }),
  transform_link: (args, ctx) => transformLink(args, { ...ctx, publicUrl: ctx.config.publicUrl }),
};

/** Runs one tool; errors raised before a route answers become the same envelope. */
export async function runTool(name: ToolName, args: Args, ctx: ToolContext) {
  try {
    return await HANDLERS[name](args, ctx);
  } catch (err) {
    if (err instanceof AppError) return await fromAppError(err, ctx);
    throw err;
  }
}
