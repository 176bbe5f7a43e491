import type { AccountCommand } from "../../domain/account/decider.ts";
import type { StoredEvent } from "../../domain/event_envelope.ts";
import { AppError } from "../../domain/errors.ts";
import type { ImageCommand } from "../../domain/image/decider.ts";
import { parseTtl } from "../../domain/image/retention.ts";
import { idIn, streams } from "../../domain/streams.ts";
import { type ImageDoc, imageReadModel } from "../../projections/image_read_model.ts";
import { type ActorRuntime, GuardFailedError, type TransactStep } from "../actors/mod.ts";
import type { BlobStore } from "../blob_store/mod.ts";
import type { Clock } from "../clock.ts";
import { toUnixSeconds } from "../clock.ts";
import type { Config } from "../config.ts";
import { sha256Hex } from "../crypto.ts";
import type { Engine } from "../engine/mod.ts";
import type { IdGenerator } from "../ids.ts";
import { newDeleteLink } from "./delete_token.ts";
import { type RequestIdentity, UploadIdempotency } from "./idempotency.ts";
import { type ImageObject, imageObject } from "./image_view.ts";

export type UploadInput = RequestIdentity & {
  /** Handed over: its buffer may be transferred to an image Worker (detached here). */
  bytes: Uint8Array;
  source: "upload" | "import";
  sourceUrl?: string;
  /** What identifies the request for Idempotency-Key purposes; the file's hash by default. */
  fingerprint?: string;
  correlationId: string;
};

/** The read model the append just wrote, derived from the same events instead of re-read. */
const docOf = (events: StoredEvent[]): ImageDoc =>
  events.filter((e) => idIn("image", e.stream) !== null).reduce<ImageDoc | null>(
    imageReadModel.evolve,
    null,
  )!;

/** Upload and import share this path: ingest, store the blob, then append the event. */
export class UploadImageService {
  readonly idempotency: UploadIdempotency;

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
  ) {
    this.idempotency = new UploadIdempotency(deps);
  }

  async upload(input: UploadInput): Promise<{ image: ImageObject; replayed: boolean }> {
    const { config, runtime, blobs, clock, ids } = this.deps;
    const ttlSeconds = input.ttl === undefined ? undefined : parseTtl(input.ttl);
    const claim = await this.idempotency.claim(
      input,
      input.fingerprint ?? await sha256Hex(input.bytes),
    );
    const first = await this.idempotency.replay(claim);
    if (first) return { image: first, replayed: true };

    // What is stored may differ from what was sent (converted, GPS removed, polyglot payload
    // dropped); the request hash above stays on the sent bytes, so a retry still matches.
    // Off the request thread; input.bytes is handed over to the engine and not used after.
    const info = await this.deps.engine.ingest(input.bytes, {
      limits: config.limits,
      svgMaxBytes: config.limits.svgMaxBytes,
    });

    const id = ids.imageId();
    const at = clock.now();
    // Anonymous uploaders can delete without an account: the token is only ever in delete_url.
    const deleteLink = input.owner === null ? await newDeleteLink(config.publicUrl, id) : null;
    const idempotency = await this.idempotency.record(
      claim,
      (events) => imageObject(docOf(events), config.publicUrl),
      deleteLink?.url,
    );
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
          ...(deleteLink ? { delete_token_hash: deleteLink.tokenHash } : {}),
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
            command_id: claim.commandKey ?? ids.commandId(),
            correlation_id: input.correlationId,
          },
          guards: blob.guards,
          idempotency,
        });
        if (!res.ok) {
          // A concurrent retry with the same key won the race: answer what it answered.
          const first = await this.idempotency.replay(claim);
          if (first) return { image: first, replayed: true };
          throw new Error("idempotency record vanished");
        }
        return {
          image: imageObject(docOf(res.events), config.publicUrl, deleteLink?.url),
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
}
