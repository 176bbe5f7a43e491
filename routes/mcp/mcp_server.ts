import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Config } from "../../src/config.ts";
import { ACTION_MEANING } from "../../src/http/mod.ts";
import { runTool, type ToolContext } from "./tools.ts";
import { toolSpecs } from "./tool_specs.ts";

/** What the server tells a model when it connects: the error contract in a few lines. */
export function serverInstructions(config: Config): string {
  const actions = Object.entries(ACTION_MEANING).map(([type, meaning]) => `- ${type}: ${meaning}`);
  return [
    "imgpro stores images and returns links that serve them; transforms are query parameters.",
    "Tool results are the HTTP API's JSON. On an error the result is marked isError and holds " +
    "{error, message, action}; act on action.type:",
    ...actions,
    "_meta.http_status is the HTTP status, _meta.retry_after the Retry-After seconds.",
    `Full reference: ${config.publicUrl}/llms-full.txt`,
  ].join("\n");
}

/**
 * One server per request: the transport is stateless, and the tools close over this request's
 * caller, so nothing about one client can reach another's calls.
 */
export function createMcpServer(ctx: ToolContext, version: string): McpServer {
  const server = new McpServer(
    { name: "imgpro", version },
    { instructions: serverInstructions(ctx.config) },
  );
  for (const spec of toolSpecs(ctx.config)) {
    server.registerTool(spec.name, {
      title: spec.title,
      description: spec.description,
      inputSchema: spec.inputSchema,
    }, (args: Record<string, unknown>) => runTool(spec.name, args, ctx));
  }
  return server;
}
