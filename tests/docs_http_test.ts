import assert from "node:assert/strict";
import { validate } from "@readme/openapi-parser";
import { parse as parseYaml } from "yaml";
import type { ErrorCode } from "../domain/errors.ts";
import { ERROR_STATUS } from "../src/http/error_catalogue.ts";
import { ACTION_MEANING, ERROR_CATALOGUE } from "../src/http/error_catalogue.ts";
import { TRANSFORM_PARAMS } from "../routes/mcp/tool_specs.ts";
import { withApp } from "./support/http.ts";

type Operation = {
  parameters?: {
    name: string;
    in: string;
    description?: string;
    schema?: { description?: string };
  }[];
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
};
type Schema = { allOf?: Schema[]; properties?: Record<string, { enum?: string[] }> };
type Doc = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes?: Record<string, { type: string; scheme: string }> };
};

// The server-rendered pages and their form posts (SPEC §6 and §8): HTML for people, not API
// operations. A new page must be added here; a new JSON route must be in the document.
const HTML_PAGES = new Set([
  "GET /",
  "GET /tools",
  "GET /auth/register",
  "POST /auth/register",
  "GET /auth/login",
  "POST /auth/login",
  "GET /auth/logout",
  "POST /auth/logout",
  "GET /keys",
  "POST /keys",
  "POST /keys/{key_id}/revoke",
  "GET /account",
  "GET /images",
  "GET /upgrade/{plan}",
  "POST /upgrade/{plan}",
  "GET /delete/{id}/{token}",
  "POST /delete/{id}/{token}",
  "GET /api",
  "GET /api/ai-agents",
]);

const getDoc = async (t: { app: { request: (p: string) => Response | Promise<Response> } }) => {
  const res = await t.app.request("/openapi.json");
  assert.equal(res.status, 200);
  return await res.json() as Doc;
};

/** The codes an operation documents, by status, read from each response's `error` enum. */
function codesOf(op: Operation): Map<string, number> {
  const out = new Map<string, number>();
  for (const [status, res] of Object.entries(op.responses)) {
    const schema = res.content?.["application/json"]?.schema;
    const parts = [schema, ...(schema?.allOf ?? [])];
    for (const code of parts.flatMap((p) => p?.properties?.error?.enum ?? [])) {
      out.set(code, Number(status));
    }
  }
  return out;
}

Deno.test("OpenAPI: /openapi.json is valid 3.1, has the bearer scheme and every route served", async () => {
  await withApp(async (t) => {
    const doc = await getDoc(t);
    assert.match(doc.openapi, /^3\.1\./);
    const result = await validate(structuredClone(doc) as never);
    assert.ok(result.valid, JSON.stringify(result));
    // The validator is real: a broken copy is refused.
    const broken = structuredClone(doc) as Record<string, unknown>;
    delete broken.info;
    assert.equal((await validate(broken as never)).valid, false);

    assert.deepEqual(
      { ...doc.components.securitySchemes?.bearer, description: undefined },
      { type: "http", scheme: "bearer", description: undefined },
    );

    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, item]) =>
        Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`)
      ),
    );
    const served = new Set(
      t.app.routes
        .filter((r) => r.method !== "ALL" && r.method !== "HEAD" && !r.path.includes("*"))
        .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, "{$1}")}`)
        .filter((route) => !HTML_PAGES.has(route)),
    );
    const missing = [...served].filter((route) => !documented.has(route));
    assert.deepEqual(missing, [], "routes the app serves but the document does not list");
    for (
      const route of ["POST /v1/upload", "GET /v1/images/{id}", "GET /v1/account", "POST /mcp"]
    ) {
      assert.ok(served.has(route) && documented.has(route), route);
    }
    // And nothing is documented that is not served.
    assert.deepEqual([...documented].filter((route) => !served.has(route)), []);
  });
});

Deno.test("OpenAPI: /openapi.yaml is the same document", async () => {
  await withApp(async (t) => {
    const res = await t.app.request("/openapi.yaml");
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^application\/yaml/);
    assert.deepEqual(parseYaml(await res.text()), await getDoc(t));
  });
});

Deno.test("OpenAPI: each SPEC §7 code is on the operations that can return it", async () => {
  await withApp(async (t) => {
    const doc = await getDoc(t);
    const ingest: ErrorCode[] = [
      "validation_error",
      "unsupported_format",
      "invalid_image",
      "image_too_large",
      "file_too_large",
      "rate_limited",
      "quota_exceeded",
      "storage_exceeded",
      "overloaded",
    ];
    const expected: Record<string, ErrorCode[]> = {
      "post /v1/upload": ingest,
      "post /v1/import": [...ingest, "url_not_allowed", "import_failed"],
      "get /{file}": ["invalid_transform", "invalid_signature", "not_found", "gone", "overloaded"],
      "get /v1/images": ["validation_error"],
      "get /v1/images/{id}": ["not_found", "gone"],
      "patch /v1/images/{id}": ["not_found", "gone", "precondition_failed"],
      "delete /v1/images/{id}": ["not_found", "gone"],
      "delete /delete/{id}/{token}": ["not_found", "gone"],
      "post /v1/keys": ["validation_error"],
      "delete /v1/keys/{key_id}": ["not_found"],
    };
    const seen = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const codes = codesOf(op);
        // A bad bearer key is refused on every path, and any fault is internal_error.
        for (
          const code of [...(expected[`${method} ${path}`] ?? []), "unauthorized", "internal_error"]
        ) {
          assert.equal(
            codes.get(code),
            ERROR_STATUS[code as ErrorCode],
            `${method} ${path}: ${code}`,
          );
        }
        codes.forEach((_s, code) => seen.add(code));
      }
    }
    // forbidden comes only from pages (upgrade links, form Origin checks), which are not in it.
    const apiCodes = ERROR_CATALOGUE.map((e) => e.code).filter((c) => c !== "forbidden");
    assert.deepEqual([...seen].sort(), apiCodes.sort());
  });
});

Deno.test("OpenAPI: the image link documents every transform parameter of the link's schema", async () => {
  await withApp(async (t) => {
    const op = (await getDoc(t)).paths["/{file}"].get;
    const query = new Map(
      (op.parameters ?? []).filter((p) => p.in === "query").map((p) => [p.name, p]),
    );
    assert.ok(TRANSFORM_PARAMS.length >= 19, TRANSFORM_PARAMS.join());
    for (const name of [...TRANSFORM_PARAMS, "sig"]) {
      const p = query.get(name);
      assert.ok(p, `${name} is documented`);
      assert.ok((p.description ?? p.schema?.description ?? "").length > 3, `${name} is described`);
    }
  });
});

Deno.test("/api renders the interactive docs over /openapi.json", async () => {
  await withApp(async (t) => {
    const res = await t.app.request("/api");
    const html = await res.text();
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
    assert.match(html, /<title>imgpro API<\/title>/);
    assert.ok(html.includes("/openapi.json"), "the page loads our document");
  });
});

const ENV = {
  PUBLIC_URL: "https://pics.example.org",
  ANON_MAX_BYTES: "12345678",
  ANON_UPLOADS_PER_HOUR: "13",
  PLAN_FREE_UPLOADS: "7",
};

Deno.test("llms.txt and llms-full.txt name this server's URL, endpoints, codes, transforms and limits", async () => {
  await withApp(async (t) => {
    const doc = await getDoc(t);
    const read = async (path: string) => {
      const res = await t.app.request(path);
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type") ?? "", /^text\/plain/);
      return await res.text();
    };
    const short = await read("/llms.txt");
    const full = await read("/llms-full.txt");
    for (const text of [short, full]) {
      assert.ok(text.includes("https://pics.example.org/v1/upload"), "PUBLIC_URL is used");
      assert.ok(!/img\.test|localhost/.test(text), "no other base URL");
      assert.ok(text.includes("12345678 bytes"), "ANON_MAX_BYTES");
      assert.ok(text.includes("13 uploads or imports per hour"), "ANON_UPLOADS_PER_HOUR");
      assert.ok(text.includes("free: 7 uploads per month"), "PLAN_FREE_UPLOADS");
      for (const e of ERROR_CATALOGUE) assert.ok(text.includes(e.code), e.code);
      for (const name of TRANSFORM_PARAMS) assert.ok(text.includes(`- ${name}: `), name);
    }
    assert.ok(short.includes("https://pics.example.org/llms-full.txt"));
    for (const path of ["/v1/upload", "/v1/import", "/v1/images/{id}", "/v1/account", "/v1/keys"]) {
      assert.ok(short.includes(` ${path}:`), path);
    }
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of Object.keys(item)) {
        assert.ok(full.includes(`### ${method.toUpperCase()} ${path}\n`), `${method} ${path}`);
      }
    }
    for (const e of ERROR_CATALOGUE) {
      assert.ok(full.includes(`- ${e.code}: HTTP ${e.status}; action ${e.actions.join(" or ")}`));
    }
    assert.ok(full.includes("  - limit (integer, 1–100, default 50)"), "fields with ranges");
    for (const tool of ["import_image", "upload_image", "transform_link"]) {
      assert.ok(full.includes(`### ${tool}\n`), tool);
    }
  }, ENV);
});

Deno.test("/api/ai-agents explains MCP setup, the action contract, waits and idempotency", async () => {
  await withApp(async (t) => {
    const res = await t.app.request("/api/ai-agents");
    const html = await res.text();
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
    assert.ok(html.includes("https://pics.example.org/mcp"), "the MCP URL of this server");
    assert.ok(html.includes("mcpServers"), "a client config snippet");
    for (const type of Object.keys(ACTION_MEANING)) {
      assert.ok(html.includes(`<code>${type}</code>`));
    }
    for (const word of ["Retry-After", "Idempotency-Key", "idempotency_key", "transform_link"]) {
      assert.ok(html.includes(word), word);
    }
  }, ENV);
});
