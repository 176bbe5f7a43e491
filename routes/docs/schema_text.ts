/** Reads JSON Schema (as the OpenAPI document holds it) into short plain-text lines. */
export type Schema = Record<string, unknown>;
export type Field = { name: string; type: string; required: boolean; description?: string };

const asSchema = (v: unknown): Schema => (v && typeof v === "object" ? v as Schema : {});

/** The component name a `$ref` points at, if any. */
export const refName = (s: Schema): string | undefined =>
  typeof s.$ref === "string" ? s.$ref.split("/").pop() : undefined;

/** Follows `$ref` and merges `allOf`, so an extended schema reads as one object. */
export function resolve(components: Record<string, Schema>, schema: unknown): Schema {
  let s = asSchema(schema);
  const name = refName(s);
  if (name) {
    s = { ...asSchema(components[name]), ...(s.description ? { description: s.description } : {}) };
  }
  if (!Array.isArray(s.allOf)) return s;
  const parts = s.allOf.map((part) => resolve(components, part));
  const properties: Schema = {};
  const required = new Set<string>();
  for (const part of [...parts, s]) {
    Object.assign(properties, asSchema(part.properties));
    for (const r of (part.required as string[] | undefined) ?? []) required.add(r);
  }
  return { ...s, allOf: undefined, type: "object", properties, required: [...required] };
}

/** `integer, 1–100, default 50`, `one of: jpg, png`, `array of Image`, `string or null`. */
export function typeText(components: Record<string, Schema>, schema: unknown): string {
  const raw = asSchema(schema);
  const name = refName(raw);
  if (name) return name;
  const s = resolve(components, raw);
  if (Array.isArray(s.anyOf) || Array.isArray(s.oneOf)) {
    const options = (s.anyOf ?? s.oneOf) as unknown[];
    return options.map((o) => typeText(components, o)).join(" or ");
  }
  const parts: string[] = [];
  if (Array.isArray(s.enum)) parts.push(`one of: ${s.enum.join(", ")}`);
  else if (s.const !== undefined) parts.push(`"${s.const}"`);
  else if (s.type === "array") parts.push(`array of ${typeText(components, s.items)}`);
  else if (Array.isArray(s.type)) parts.push(s.type.join(" or "));
  else if (typeof s.type === "string") parts.push(s.type);
  else parts.push("any");
  if (typeof s.format === "string") parts.push(s.format);
  // zod writes the safe-integer bounds on every int; they say nothing to a reader.
  const bound = (v: unknown) =>
    typeof v === "number" && Math.abs(v) < Number.MAX_SAFE_INTEGER ? v : undefined;
  const [min, max] = [bound(s.minimum), bound(s.maximum)];
  if (min !== undefined && max !== undefined) parts.push(`${min}–${max}`);
  else if (min !== undefined) parts.push(`at least ${min}`);
  else if (max !== undefined) parts.push(`at most ${max}`);
  if (s.minLength !== undefined && s.minLength !== 0) parts.push(`${s.minLength}+ characters`);
  if (s.maxLength !== undefined) parts.push(`at most ${s.maxLength} characters`);
  if (s.maxItems !== undefined) parts.push(`at most ${s.maxItems} items`);
  if (typeof s.pattern === "string") parts.push(`pattern ${s.pattern}`);
  if (s.default !== undefined) parts.push(`default ${JSON.stringify(s.default)}`);
  return parts.join(", ");
}

/** An object schema's fields; `additionalProperties` becomes one "(any other name)" line. */
export function fieldsOf(components: Record<string, Schema>, schema: unknown): Field[] {
  const s = resolve(components, schema);
  const required = new Set((s.required as string[] | undefined) ?? []);
  const fields: Field[] = Object.entries(asSchema(s.properties)).map(([name, prop]) => {
    const p = resolve(components, prop);
    return {
      name,
      type: typeText(components, prop),
      required: required.has(name),
      description: typeof p.description === "string" ? p.description : undefined,
    };
  });
  const extra = asSchema(s.additionalProperties);
  if (Object.keys(extra).length > 0) {
    fields.push({
      name: "(any other name)",
      type: typeText(components, extra),
      required: false,
      description: typeof extra.description === "string" ? extra.description : undefined,
    });
  }
  return fields;
}

/** `- name (type; required): description` */
export function fieldLine(f: Field, indent = ""): string {
  const tail = f.description ? `: ${f.description}` : "";
  return `${indent}- ${f.name} (${f.type}${f.required ? "; required" : ""})${tail}`;
}
