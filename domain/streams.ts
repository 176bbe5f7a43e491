/**
 * Stream ids, made here and nowhere else. A stream id is a value that carries its type, so the
 * runtime picks a decider and a projection picks its documents without cutting strings apart.
 * `key` is the form stored in KV (`["s", key, version]`) and in every stored event's `stream`;
 * it must never change shape, or existing logs would no longer replay.
 */
export type StreamId<T extends string = string> = {
  readonly type: T;
  readonly id: string;
  readonly key: string;
};

/** The streams the service writes. */
export type StreamType = "image" | "account" | "email";

/** A stream id of any type: the runtime and its tests use it for types of their own. */
export function streamOf<T extends string>(type: T, id: string): StreamId<T> {
  return { type, id, key: `${type}-${id}` };
}

export const streams = {
  image: (id: string): StreamId<"image"> => streamOf("image", id),
  account: (accountId: string): StreamId<"account"> => streamOf("account", accountId),
  /** `email-{hmac}`: one claim per address, so two sign-ups cannot share it. */
  email: (emailHmac: string): StreamId<"email"> => streamOf("email", emailHmac),
};

/** The stream id behind a stored key such as `image-AbCdEfGh12`; null for a key without a type. */
export function parseStream(key: string): StreamId | null {
  const dash = key.indexOf("-");
  return dash > 0 ? streamOf(key.slice(0, dash), key.slice(dash + 1)) : null;
}

/** The id of a stored stream key when the stream is of `type`, else null (what projections ask). */
export function idIn(type: StreamType, key: string): string | null {
  const stream = parseStream(key);
  return stream?.type === type ? stream.id : null;
}

/**
 * The version a command expects its stream at: `none` (the stream must not exist yet), `any`
 * (no precondition) or `exact` (e.g. an If-Match header).
 */
export type ExpectedVersion =
  | { readonly kind: "none" }
  | { readonly kind: "any" }
  | { readonly kind: "exact"; readonly version: number };

export const expectedVersion = {
  none: { kind: "none" } as const satisfies ExpectedVersion,
  any: { kind: "any" } as const satisfies ExpectedVersion,
  exactly: (version: number): ExpectedVersion => ({ kind: "exact", version }),
};
