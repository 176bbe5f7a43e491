import type { Config } from "../../src/config.ts";
import { ACTION_MEANING, ERROR_CATALOGUE } from "../../src/http/mod.ts";
import { endpointsOf } from "./endpoints.ts";
import { limitLines, planLines } from "./limits_text.ts";
import type { OpenApiDocument } from "./openapi_document.ts";
import { transformExamples, transformLines } from "./transforms_text.ts";
import { visionLines } from "./vision_text.ts";

/** /llms.txt: what a model needs to use the service at once, with this server's numbers. */
export function llmsShort(doc: OpenApiDocument, config: Config): string {
  const base = config.publicUrl;
  const endpoints = endpointsOf(doc).filter((e) => e.path.startsWith("/v1/"));
  const codes = ERROR_CATALOGUE.map((e) => `${e.code} (${e.status})`).join(", ");
  return [
    "# imgpro",
    "",
    "> Send an image, or the URL of one, and get back a link that serves it. Query parameters " +
    "on the link transform it. No account is needed to start; an API key keeps images for good.",
    "",
    `Base URL: ${base}`,
    "",
    "## Quick start",
    "",
    "```sh",
    `curl -F file=@photo.jpg ${base}/v1/upload`,
    `curl -H 'content-type: application/json' -d '{"url":"https://example.com/a.png"}' \\`,
    `  ${base}/v1/import`,
    "```",
    "",
    "Both answer 201 with the image object: id, link, extension, width, height, filesize, " +
    "created_at, and for anonymous uploads expires_at, upgrade and delete_url. `link` serves the " +
    "image to programs and a viewer page to browsers.",
    "With an API key add `Authorization: Bearer <key>`. Add `Idempotency-Key: <unique>` to any " +
    "POST you may retry.",
    "",
    "## Endpoints",
    "",
    ...endpoints.map((e) =>
      `- ${e.method} ${e.path}: ${e.summary}${e.key === "required" ? " (key)" : ""}`
    ),
    `- GET ${base}/{id} and /{id}.{ext}: the image, with transforms`,
    "",
    "## Transforms",
    "",
    ...transformExamples(base).map((url) => `- ${url}`),
    "",
    ...transformLines(),
    "",
    "An unknown parameter or a bad value is refused (400 invalid_transform), never ignored.",
    "",
    ...visionLines(base),
    "",
    "## Limits",
    "",
    ...limitLines(config).map((line) => `- ${line}`),
    ...planLines(config).map((line) => `- Plan ${line}`),
    "",
    "## Errors",
    "",
    'Every error is JSON: {"error": code, "message": text, "action": {"type": …}}. Act on ' +
    "action.type:",
    ...Object.entries(ACTION_MEANING).map(([type, meaning]) => `- ${type}: ${meaning}`),
    "",
    `Codes: ${codes}.`,
    "",
    "## More",
    "",
    `- Full reference: ${base}/llms-full.txt`,
    `- OpenAPI 3.1: ${base}/openapi.json and ${base}/openapi.yaml`,
    `- Interactive docs: ${base}/api`,
    `- Guide for agent builders: ${base}/api/ai-agents`,
    `- MCP server (streamable HTTP): ${base}/mcp`,
    "",
  ].join("\n");
}
