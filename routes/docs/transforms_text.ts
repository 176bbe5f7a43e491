import { ALLOWED, SIGNED_PARAMS } from "../../src/delivery/mod.ts";
import { TRANSFORM_PARAMS } from "../mcp/tool_specs.ts";

const signed: readonly string[] = SIGNED_PARAMS;

/** Each transform parameter the link accepts, with what it takes, from the link's own schema. */
export function transformLines(): string[] {
  return TRANSFORM_PARAMS.map((name) =>
    `- ${name}: ${ALLOWED[name] ?? "see /openapi.json"}${
      signed.includes(name) ? " (signed links only)" : ""
    }`
  );
}

/** Example links built from parameters the schema has (checked by the docs tests). */
export function transformExamples(publicUrl: string): string[] {
  return [
    `${publicUrl}/{id}?format=webp`,
    `${publicUrl}/{id}?format=auto&size=m`,
    `${publicUrl}/{id}.webp?size=m&sharp=2`,
    `${publicUrl}/{id}?rotate=90&flip=h&saturation=0`,
    `${publicUrl}/{id}?blur=20&quality=70&format=jpg`,
    `${publicUrl}/{id}?segment=foreground`,
    `${publicUrl}/{id}?segment=foreground&background=white&format=jpg`,
  ];
}
