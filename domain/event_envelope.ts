import type { z } from "zod";

/** The shape of an event once it is stored: what projections and audits see. */
export type EventMeta = {
  /** Version of `data`'s schema; every event type is still at its first version. */
  schema: number;
  /** Unix milliseconds when the command was decided. */
  at: number;
  /** Who caused it: "anon:<client hash>", "account:<id>", "system:expiry", … */
  actor: string;
  command_id: string;
  correlation_id: string;
};

export type StoredEvent<T extends string = string, D = unknown> = {
  stream: string;
  version: number;
  type: T;
  data: D;
  meta: EventMeta;
};

/** An event type's zod schema and the version of it that new events are stored under. */
export type EventSchemas = Record<string, { version: number; schema: z.ZodType }>;

/** The event union of a schema table, derived from the schemas rather than written again. */
export type EventOf<M extends EventSchemas> = {
  [K in keyof M & string]: { type: K; data: z.infer<M[K]["schema"]> };
}[keyof M & string];
