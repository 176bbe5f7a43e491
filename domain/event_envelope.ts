/** The shape of an event once it is stored: what projections and audits see. */
export type EventMeta = {
  /** Version of `data`'s schema (after upcasting: the current one). */
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
