import type { OpenApiDocument } from "./openapi_document.ts";
import { type Field, fieldsOf, refName, resolve, type Schema, typeText } from "./schema_text.ts";

export type Endpoint = {
  method: string;
  path: string;
  summary: string;
  description?: string;
  /** "required" when the operation declares the bearer scheme; otherwise a key is optional. */
  key: "required" | "optional";
  params: (Field & { in: string })[];
  body?: { mediaType: string; fields: Field[]; type: string };
  results: { status: string; description: string; ref?: string; fields: Field[] }[];
  errors: { status: string; codes: string[] }[];
};

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

/** Every operation of the document, as the plain-text references list them. */
export function endpointsOf(doc: OpenApiDocument): Endpoint[] {
  const components = (doc.components?.schemas ?? {}) as Record<string, Schema>;
  const out: Endpoint[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const params = (op.parameters ?? []).map((raw) => {
        const p = raw as Schema & { name: string; in: string; required?: boolean };
        const schema = (p.schema ?? {}) as Schema;
        const description = (p.description ?? schema.description) as string | undefined;
        const [field] = fieldsOf(components, {
          type: "object",
          properties: { [p.name]: { ...schema, description } },
          required: p.required ? [p.name] : [],
        });
        return { ...field, in: p.in };
      });
      const body = op.requestBody && "content" in op.requestBody
        ? Object.entries(op.requestBody.content).map(([mediaType, media]) => ({
          mediaType,
          type: typeText(components, media.schema),
          fields: fieldsOf(components, media.schema),
        }))[0]
        : undefined;
      const results: Endpoint["results"] = [];
      const errors: Endpoint["errors"] = [];
      for (const [status, raw] of Object.entries(op.responses ?? {})) {
        const res = raw as { description: string; content?: Record<string, { schema?: Schema }> };
        const schema = Object.values(res.content ?? {})[0]?.schema;
        const error = resolve(components, schema).properties as Schema | undefined;
        const codes = (error?.error as Schema | undefined)?.enum as string[] | undefined;
        // Error envelopes list their codes; anything else (MCP's 405, 406) reads as an answer.
        if (codes) errors.push({ status, codes });
        else {
          const ref = schema ? refName(schema) : undefined;
          const fields = schema && !ref ? fieldsOf(components, schema) : [];
          results.push({ status, description: res.description, ref, fields });
        }
      }
      out.push({
        method: method.toUpperCase(),
        path,
        summary: op.summary ?? "",
        description: op.description,
        key: op.security?.length ? "required" : "optional",
        params,
        body,
        results,
        errors,
      });
    }
  }
  return out;
}
