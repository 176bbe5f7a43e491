import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { type TestApp, withApp } from "./http.ts";

/**
 * The test app behind a real socket, as MCP clients need. PUBLIC_URL is the served address
 * unless `env` sets another, so the links tools return can be fetched over HTTP.
 */
export async function withServedApp(
  fn: (t: TestApp, base: string) => Promise<void>,
  env: Record<string, string> = {},
) {
  let current: TestApp | undefined;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req, info) =>
      current ? current.app.fetch(req, info) : new Response("starting", { status: 503 }),
  );
  const base = `http://127.0.0.1:${server.addr.port}`;
  try {
    await withApp(async (t) => {
      current = t;
      await fn(t, base);
    }, { PUBLIC_URL: base, ...env });
  } finally {
    await server.shutdown();
  }
}

/** The SDK's own client over streamable HTTP; closed after `fn`, whatever happens. */
export async function withMcpClient(
  base: string,
  fn: (client: Client) => Promise<void>,
  key?: string,
) {
  const client = new Client({ name: "imgpro-tests", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(`${base}/mcp`), {
    requestInit: key ? { headers: { authorization: `Bearer ${key}` } } : undefined,
  });
  await client.connect(transport);
  try {
    await fn(client);
  } finally {
    await client.close();
  }
}

export type ToolOutcome = {
  isError: boolean;
  body: Record<string, unknown>;
  meta: Record<string, unknown>;
};

/** Calls a tool and checks that its text and structured content say the same thing. */
export async function callTool(
  client: Client,
  name: string,
  args: Record<string, unknown>,
): Promise<ToolOutcome> {
  const result = await client.callTool({ name, arguments: args }) as CallToolResult;
  const content = result.content as { type: string; text?: string }[];
  const text = content.find((c) => c.type === "text")?.text;
  const body = result.structuredContent as Record<string, unknown>;
  if (text === undefined || JSON.stringify(body) !== text) {
    throw new Error(`${name}: text and structured content differ: ${JSON.stringify(result)}`);
  }
  return { isError: result.isError === true, body, meta: result._meta ?? {} };
}
