import { z } from "zod";
import type { Config } from "../../src/config.ts";
import { ACTION_MEANING, ERROR_CATALOGUE } from "../../src/http/mod.ts";
import { toolSpecs } from "../mcp/tool_specs.ts";
import { type Endpoint, endpointsOf } from "./endpoints.ts";
import { limitLines, planLines } from "./limits_text.ts";
import type { OpenApiDocument } from "./openapi_document.ts";
import { fieldLine, fieldsOf, type Schema } from "./schema_text.ts";
import { transformLines } from "./transforms_text.ts";
import { visionLines } from "./vision_text.ts";

function endpointText(e: Endpoint, base: string): string[] {
  const lines = [
    `### ${e.method} ${e.path}`,
    "",
    e.summary + (e.description ? `. ${e.description}` : ""),
  ];
  lines.push(`URL: ${base}${e.path}. API key: ${e.key}.`);
  for (const where of ["path", "query", "header"]) {
    const params = e.params.filter((p) => p.in === where);
    if (params.length === 0) continue;
    lines.push(`${where[0].toUpperCase()}${where.slice(1)} parameters:`);
    lines.push(...params.map((p) => fieldLine(p, "  ")));
  }
  if (e.body) {
    const fields = e.body.fields.length > 0;
    lines.push(`Body (${e.body.mediaType}):${fields ? "" : ` ${e.body.type}`}`);
    lines.push(...e.body.fields.map((f) => fieldLine(f, "  ")));
  }
  for (const r of e.results) {
    lines.push(`Answers ${r.status}: ${r.description}${r.ref ? ` (${r.ref} object)` : ""}`);
    lines.push(...r.fields.map((f) => fieldLine(f, "  ")));
  }
  const errors = e.errors.map((x) => `${x.status} ${x.codes.join(", ")}`);
  if (errors.length) lines.push(`Errors: ${errors.join("; ")}.`);
  return [...lines, ""];
}

function objectsText(doc: OpenApiDocument): string[] {
  const components = (doc.components?.schemas ?? {}) as Record<string, Schema>;
  return Object.keys(components).flatMap((name) => [
    `### ${name}`,
    "",
    ...fieldsOf(components, { $ref: `#/components/schemas/${name}` }).map((f) => fieldLine(f)),
    "",
  ]);
}

function toolsText(config: Config): string[] {
  return toolSpecs(config).flatMap((tool) => {
    const schema = z.toJSONSchema(tool.inputSchema, { io: "input" }) as Schema;
    return [
      `### ${tool.name}`,
      "",
      tool.description,
      "Arguments:",
      ...fieldsOf({}, schema).map((f) => fieldLine(f, "  ")),
      "",
    ];
  });
}

/** /llms-full.txt: every endpoint, object, transform, error, limit, plan and MCP tool. */
export function llmsFull(doc: OpenApiDocument, config: Config): string {
  const base = config.publicUrl;
  return [
    "# imgpro: full reference",
    "",
    `Base URL: ${base}. Version ${doc.info.version}. Generated from the service's own schemas, ` +
    "error table and configuration, so every number below is the one this server enforces.",
    `OpenAPI 3.1: ${base}/openapi.json (${base}/openapi.yaml). Short version: ${base}/llms.txt.`,
    "",
    "## Authentication",
    "",
    "No key: uploads and imports are anonymous, expire, and are rate-limited per client IP. " +
    "With a key (`Authorization: Bearer <key>`, created at " +
    `${base}/keys or with POST /v1/keys) images are permanent unless ttl is given and count ` +
    "against the plan. A malformed or revoked key is refused with 401 on every path, never " +
    "treated as anonymous. Keyed responses carry X-Quota-Uploads-Used, X-Quota-Uploads-Limit " +
    "and X-Quota-Storage-Used.",
    "POST /v1/upload and /v1/import accept `Idempotency-Key`: a retry with the same key and " +
    "body returns the first response (header Idempotent-Replayed: true) and creates nothing; " +
    "the same key with a different request is refused with 409 idempotency_key_conflict.",
    "",
    "## Endpoints",
    "",
    ...endpointsOf(doc).flatMap((e) => endpointText(e, base)),
    "## Objects",
    "",
    ...objectsText(doc),
    "## Transforms",
    "",
    `Query parameters on ${base}/{id} or ${base}/{id}.{ext} (the extension converts: /{id}.webp ` +
    "is ?format=webp). Order does not matter. An unknown parameter or a value out of range is " +
    "400 invalid_transform naming the parameter. Parameters marked signed need `sig`, which " +
    "only the owner can obtain (POST /v1/images/{id}/links, or the MCP tool transform_link); " +
    "without a valid one: 403 invalid_signature.",
    "",
    ...transformLines(),
    "",
    "### Background removal and face crop",
    "",
    ...visionLines(base),
    "",
    "## Errors",
    "",
    'Envelope: {"error": code, "message": text, "action": {...}}; quota errors add "usage". ' +
    "wait and retry responses also carry Retry-After.",
    "",
    ...ERROR_CATALOGUE.map((e) =>
      `- ${e.code}: HTTP ${e.status}; action ${e.actions.join(" or ")}; ${e.when}.`
    ),
    "",
    "Actions:",
    ...Object.entries(ACTION_MEANING).map(([type, meaning]) => `- ${type}: ${meaning}`),
    "",
    "## Limits",
    "",
    ...limitLines(config).map((line) => `- ${line}`),
    "",
    "## Plans",
    "",
    "Quota periods are calendar months (UTC). Storage counts live images; deleting frees it.",
    ...planLines(config).map((line) => `- ${line}`),
    "",
    "## MCP tools",
    "",
    `${base}/mcp speaks the Model Context Protocol over streamable HTTP (stateless; POST only). ` +
    "Each tool returns the HTTP API's JSON; errors are the same envelope with isError set.",
    "",
    ...toolsText(config),
  ].join("\n");
}
