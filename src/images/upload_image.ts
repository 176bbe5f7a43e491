import type { ImageCommand } from "../../domain/image/decider.ts";
import { parseTtl } from "../../domain/image/retention.ts";
import type { StoredEvent } from "../../domain/event_envelope.ts";
import { type ImageDoc, imageReadModel } from "../../projections/image_read_model.ts";
import type { AccountCommand } from "../../domain/account/decider.ts";
import { type ActorRuntime, GuardFailedError, type TransactStep } from "../actors/mod.ts";
import { openText, randomToken, sealText } from "../crypto.ts";
import type { BlobStore } from "../blob_store/mod.ts";
import { sha256Hex } from "../crypto.ts";
import type { Clock } from "../clock.ts";
import { toUnixSeconds } from "../clock.ts";
import type { Config } from "../config.ts";
import { AppError, fixError } from "../../domain/errors.ts";
import type { IdGenerator } from "../ids.ts";
import type { Engine } from "../engine/mod.ts";
import { type ImageObject, imageObject } from "./image_view.ts";
import { idIn, streams } from "../../domain/streams.ts";

export type UploadInput = {
  /** Handed over: its buffer may be transferred to an image Worker (detached here). */
  bytes: Uint8Array;
  caption?: string;
  ttl?: string;
  metadata?: Record<string, string>;
  /** Account id, or null for an anonymous caller. */
  owner: string | null;
  /** Keyed hash of the client IP. */
  client: string;
  source: "upload" | "import";
  sourceUrl?: string;
  idempotencyKey?: string;
  /** What identifies the request for Idempotency-Key purposes; the file's hash by default. */
  fingerprint?: string;
  correlationId: string;
};

/** The first response, minus the delete_url, which is kept sealed: KV never holds the token in clear. */
type IdempotencyRecord = { request: string; response: ImageObject; delete_url_sealed?: string };

/** The read model the append just wrote, derived from the same events instead of re-read. */
const docOf = (events: StoredEvent[]): ImageDoc =>
  events.filter((e) => idIn("image", e.stream) !== null).reduce<ImageDoc | null>(
    imageReadModel.evolve,
    null,
  )!;

const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

/** Upload and import share this path: ingest, store the blob, then append the event. */
export class UploadImageService {
  constructor(
    private readonly deps: {
      config: Config;
      runtime: ActorRuntime;
      blobs: BlobStore;
      clock: Clock;
      ids: IdGenerator;
      secret: string;
      engine: Engine;
    },
  ) {}

  async upload(input: UploadInput): Promise<{ image: ImageObject; replayed: boolean }> {
    const { config, runtime, blobs, clock, ids } = this.deps;
    const ttlSeconds = input.ttl === undefined ? undefined : parseTtl(input.ttl);
    const { request, commandKey } = await this.#requestKeys(
      input,
      input.fingerprint ?? await sha256Hex(input.bytes),
    );
    if (commandKey) {
      const first = await this.#replay(commandKey, request);
      if (first) return { image: first, replayed: true };
    }

    // What is stored may differ from what was sent (converted, GPS removed, polyglot payload
    // dropped); the request hash above stays on the sent bytes, so a retry still matches.
    // Off the request thread; input.bytes is handed over to the engine and not used after.
    const info = await (this.deps.engine.ingest(input.bytes, {
      limits: config.limits,
      svgMaxBytes: config.limits.svgMaxBytes,
    }));

    const id = ids.imageId();
    const at = clock.now();
    // Anonymous uploaders can delete without an account: the token is only ever in delete_url.
    const deleteToken = input.owner === null ? randomToken(24) : undefined;
    const deleteUrl = deleteToken ? `${config.publicUrl}/delete/${id}/${deleteToken}` : undefined;
    const deleteTokenHash = deleteToken ? await sha256Hex(deleteToken) : undefined;
    const sealedDeleteUrl = deleteUrl && commandKey
      ? await sealText(this.deps.secret, "idempotency", deleteUrl)
      : undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      const blob = await blobs.put(info.bytes, at);
      const command: ImageCommand = {
        type: "UploadImage",
        now: toUnixSeconds(at),
        anonRetentionSeconds: config.limits.anonRetentionSeconds,
        ttlSeconds,
        image: {
          id,
          source: input.source,
          ...(input.sourceUrl ? { source_url: input.sourceUrl } : {}),
          owner: input.owner,
          client: input.client,
          blob: { hash: blob.hash, size: blob.size },
          format: info.format,
          extension: info.extension,
          mime: info.mime,
          width: info.width,
          height: info.height,
          frames: info.frames,
          ...(deleteTokenHash ? { delete_token_hash: deleteTokenHash } : {}),
          ...(info.placeholders ?? {}),
          ...(input.caption !== undefined ? { caption: input.caption } : {}),
          ...(input.metadata && Object.keys(input.metadata).length
            ? { metadata: input.metadata }
            : {}),
        },
      };
      try {
        const steps: TransactStep[] = [{ stream: streams.image(id), command }];
        if (input.owner !== null) {
          // The quota is decided in the same atomic commit as the upload it pays for.
          steps.push({
            stream: streams.account(input.owner),
            command: {
              type: "ConsumeQuota",
              image_id: id,
              bytes: blob.size,
              now: toUnixSeconds(at),
              plans: config.plans,
            } satisfies AccountCommand,
          });
        }
        const res = await runtime.transact(steps, {
          meta: {
            at,
            actor: input.owner ? `account:${input.owner}` : `anon:${input.client.slice(0, 16)}`,
            command_id: commandKey ?? ids.commandId(),
            correlation_id: input.correlationId,
          },
          guards: blob.guards,
          idempotency: commandKey
            ? {
              key: commandKey,
              expireInMs: IDEMPOTENCY_TTL_MS,
              record: (events): IdempotencyRecord => ({
                request,
                response: imageObject(docOf(events), config.publicUrl),
                ...(sealedDeleteUrl ? { delete_url_sealed: sealedDeleteUrl } : {}),
              }),
            }
            : undefined,
        });
        if (!res.ok) {
          // A concurrent retry with the same key won the race: answer what it answered.
          const first = await this.#replay(commandKey!, request);
          if (first) return { image: first, replayed: true };
          throw new Error("idempotency record vanished");
        }
        return {
          image: imageObject(docOf(res.events), config.publicUrl, deleteUrl),
          replayed: false,
        };
      } catch (err) {
        // The blob was collected between our write and our event: write it again.
        if (err instanceof GuardFailedError) continue;
        throw err;
      }
    }
    throw new AppError("internal_error", "Could not store the image; please retry.", {
      retryAfter: 1,
    });
  }

  /**
   * An Idempotency-Key retry's first response, found before any work: imports call it before
   * fetching, with the URL as the fingerprint, so a retry never downloads again.
   */
  async replayed(
    input: Omit<UploadInput, "bytes" | "source" | "correlationId"> & { fingerprint: string },
  ) {
    const { request, commandKey } = await this.#requestKeys(input, input.fingerprint);
    return commandKey ? await this.#replay(commandKey, request) : null;
  }

  async #requestKeys(
    input: Pick<
      UploadInput,
      "caption" | "ttl" | "metadata" | "owner" | "client" | "idempotencyKey"
    >,
    fingerprint: string,
  ) {
    const request = await sha256Hex(
      JSON.stringify([fingerprint, input.caption, input.ttl, input.metadata ?? {}]),
    );
    const commandKey = input.idempotencyKey === undefined
      ? undefined
      : await sha256Hex(`${input.owner ?? input.client}\n${input.idempotencyKey}`);
    return { request, commandKey };
  }

  async #replay(commandKey: string, request: string): Promise<ImageObject | null> {
    const record = await this.deps.runtime.store.command<IdempotencyRecord>(commandKey);
    if (!record) return null;
    if (record.request !== request) {
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
}
