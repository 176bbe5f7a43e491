import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { errorResponses } from "../schemas.ts";
import { formatBytes } from "../../src/format_bytes.ts";
import { fixError } from "../../domain/errors.ts";
import type { AppDeps, AppEnv } from "../../src/http/mod.ts";
import { MCP_BODY_MAX_BYTES } from "./tool_specs.ts";

// The MCP SDK and the tools load on the first MCP request, not at every cold start.
const sdk = () =>
  Promise.all([
    import("@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js"),
    import("./in_process.ts"),
    import("./mcp_server.ts"),
  ]);

const JsonRpc = z.looseObject({ jsonrpc: z.literal("2.0") }).openapi("JsonRpcMessage", {
  description: "A JSON-RPC 2.0 message of the Model Context Protocol",
});
const jsonRpc = { "application/json": { schema: JsonRpc } };
const description = "Model Context Protocol over streamable HTTP, stateless: each POST carries " +
  "JSON-RPC messages and gets the answers as JSON. Tools: import_image, upload_image, " +
  "get_image, list_images, delete_image, transform_link. Send `Authorization: Bearer <key>` to " +
  "act as an account.";

const post = createRoute({
  method: "post",
  path: "/mcp",
  summary: "MCP endpoint (streamable HTTP)",
  description,
  request: {
    body: {
      required: true,
      content: { "application/json": { schema: z.union([JsonRpc, z.array(JsonRpc).min(1)]) } },
    },
  },
  responses: {
    200: { description: "JSON-RPC responses", content: jsonRpc },
    202: { description: "Accepted: the body held only notifications or responses" },
    406: { description: "Accept must list application/json and text/event-stream" },
    ...errorResponses("validation_error", "file_too_large"),
  },
});

// No sessions and no server-initiated stream: streamable HTTP says to answer GET and DELETE 405.
const notAllowed = (method: "get" | "delete") =>
  createRoute({
    method,
    path: "/mcp",
    summary: `Not used: this MCP server is stateless (${method.toUpperCase()} answers 405)`,
    responses: { 405: { description: "Use POST", content: jsonRpc }, ...errorResponses() },
  });

export function mcpRoutes(app: OpenAPIHono<AppEnv>, deps: AppDeps) {
  const limit = bodyLimit({
    maxSize: MCP_BODY_MAX_BYTES,
    onError: () => {
      throw fixError(
        "file_too_large",
        `An MCP request may be at most ${formatBytes(MCP_BODY_MAX_BYTES)}.`,
        "Send larger images with import_image or POST /v1/upload.",
      );
    },
  });
  // POST only: on a body-less DELETE the limiter would still re-wrap the request for nothing.
  app.use("/mcp", (c, next) => c.req.method === "POST" ? limit(c, next) : next());

  app.openapi(post, async (c) => {
    const [{ WebStandardStreamableHTTPServerTransport }, { inProcessApi }, { createMcpServer }] =
      await sdk();
    const call = inProcessApi(app, c, deps.config.publicUrl);
    const server = createMcpServer({
      call,
      config: deps.config,
      secret: deps.secret,
      clock: deps.clock,
    }, deps.version);
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      // Whole JSON answers, not an SSE stream, so the server can be closed when this returns.
      enableJsonResponse: true,
    });
    await server.connect(transport);
    try {
      return await transport.handleRequest(c.req.raw, { parsedBody: c.req.valid("json") });
    } finally {
      await server.close();
    }
  });

  for (const method of ["get", "delete"] as const) {
    app.openapi(notAllowed(method), (c) =>
      c.json(
        { jsonrpc: "2.0", error: { code: -32000, message: "Method not allowed." }, id: null },
        405,
        { Allow: "POST" },
      ));
  }
}
