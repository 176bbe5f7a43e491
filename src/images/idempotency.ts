import type { StoredEvent } from "../../domain/event_envelope.ts";
import { fixError } from "../../domain/errors.ts";
import type { ActorRuntime, IdempotencyOption } from "../actors/mod.ts";
import { openText, sealText, sha256Hex } from "../crypto.ts";
import type { ImageObject } from "./image_view.ts";

/** What makes two requests "the same" for an Idempotency-Key. */
export type RequestIdentity = {
  caption?: string;
  ttl?: string;
  metadata?: Record<string, string>;
  owner: string | null;
  client: string;
  idempotencyKey?: string;
};

/** The first response, minus the delete_url, which is kept sealed: KV never holds the token in clear. */
type IdempotencyRecord = { request: string; response: ImageObject; delete_url_sealed?: string };

/** A key's request: its hash, and the command key it is stored under (none without a key). */
export type Claim = { request: string; commandKey?: string };

const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

/**
 * Idempotency-Key for uploads and imports: a retry of the same request answers the first
 * response (with its delete_url), a different request under a used key is refused.
 */
export class UploadIdempotency {
  constructor(private readonly deps: { runtime: ActorRuntime; secret: string }) {}

  /** `fingerprint` names the payload: the file's hash, or the import URL. */
  async claim(input: RequestIdentity, fingerprint: string): Promise<Claim> {
    const request = await sha256Hex(
      JSON.stringify([fingerprint, input.caption, input.ttl, input.metadata ?? {}]),
    );
    const commandKey = input.idempotencyKey === undefined
      ? undefined
      : await sha256Hex(`${input.owner ?? input.client}\n${input.idempotencyKey}`);
    return { request, commandKey };
  }

  /** The first response under this key, or null when the key is new (or there is none). */
  async replay(claim: Claim): Promise<ImageObject | null> {
    if (!claim.commandKey) return null;
    const record = await this.deps.runtime.store.command<IdempotencyRecord>(claim.commandKey);
    if (!record) return null;
    if (record.request !== claim.request) {
      throw fixError(
        "idempotency_key_conflict",
        "This Idempotency-Key was already used for a different request.",
        "Use a new Idempotency-Key for a new upload; reuse a key only to retry the same request.",
        "Idempotency-Key",
      );
    }
    if (!record.delete_url_sealed) return record.response;
    const deleteUrl = await openText(this.deps.secret, "idempotency", record.delete_url_sealed);
    return { ...record.response, delete_url: deleteUrl };
  }

  /**
   * What the commit stores beside its events, so that a retry finds the response; the
   * delete_url is sealed before it reaches KV.
   */
  async record(
    claim: Claim,
    response: (events: StoredEvent[]) => ImageObject,
    deleteUrl?: string,
  ): Promise<IdempotencyOption | undefined> {
    if (!claim.commandKey) return undefined;
    const sealed = deleteUrl ? await sealText(this.deps.secret, "idempotency", deleteUrl) : null;
    return {
      key: claim.commandKey,
      expireInMs: IDEMPOTENCY_TTL_MS,
      record: (events): IdempotencyRecord => ({
        request: claim.request,
        response: response(events),
        ...(sealed ? { delete_url_sealed: sealed } : {}),
      }),
    };
  }
}
