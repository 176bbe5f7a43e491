import type { EventCodec } from "../actors/mod.ts";
import { ACCOUNT_EVENT_SCHEMAS, EMAIL_EVENT_SCHEMAS } from "../../domain/account/events.ts";
import { IMAGE_EVENT_SCHEMAS } from "../../domain/image/events.ts";

const SCHEMAS: Record<string, { version: number; schema: { parse(v: unknown): unknown } }> = {
  ...IMAGE_EVENT_SCHEMAS,
  ...ACCOUNT_EVENT_SCHEMAS,
  ...EMAIL_EVENT_SCHEMAS,
};

/** Every event is validated against its zod schema before it is stored. */
export const eventCodec: EventCodec = (event) => {
  const entry = SCHEMAS[event.type];
  if (!entry) throw new Error(`unknown event type ${event.type}`);
  return { type: event.type, data: entry.schema.parse(event.data), schema: entry.version };
};
