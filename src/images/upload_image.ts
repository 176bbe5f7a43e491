import type { ImageCommand } from "../../domain/image/decider.ts";
import { parseTtl } from "../../domain/image/retention.ts";
import type { StoredEvent } from "../../domain/event_envelope.ts";
import { type ImageDoc, imageReadModel } from "../../projections/image_read_model.ts";
import { type ActorRuntime, GuardFailedError } from "../actors/mod.ts";
import { type BlobStore, sha256Hex } from "../blob_store/mod.ts";
import type { Clock } from "../clock.ts";
import { toUnixSeconds } from "../clock.ts";
import type { Config } from "../config.ts";
import { AppError, fixError } from "../http/app_error.ts";
import type { IdGenerator } from "../ids.ts";
import { inspectRaster, sniff } from "../imaging/mod.ts";
import { type ImageObject, imageObject } from "./image_view.ts";

export type UploadInput = {
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
  correlationId: string;
};

type IdempotencyRecord = { request: string; response: ImageObject };

/** The read model the append just wrote, derived from the same events instead of re-read. */
const docOf = (events: StoredEvent[]): ImageDoc =>
  events.reduce<ImageDoc | null>(imageReadModel.evolve, null)!;

const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

/** Upload and import share this path: sniff, decode, store the blob, then append the event. */
export class UploadImageService {
  constructor(
    private readonly deps: {
      config: Config;
      runtime: ActorRuntime;
      blobs: BlobStore;
      clock: Clock;
      ids: IdGenerator;
    },
  ) {}

  async upload(input: UploadInput): Promise<{ image: ImageObject; replayed: boolean }> {
    const { config, runtime, blobs, clock, ids } = this.deps;
    const ttlSeconds = input.ttl === undefined ? undefined : parseTtl(input.ttl);
    const fileHash = await sha256Hex(input.bytes);
    const request = await sha256Hex(
      new TextEncoder().encode(
        JSON.stringify([fileHash, input.caption, input.ttl, input.metadata ?? {}]),
      ),
    );
    const commandKey = input.idempotencyKey === undefined ? undefined : await sha256Hex(
      new TextEncoder().encode(`${input.owner ?? input.client}\n${input.idempotencyKey}`),
    );
    if (commandKey) {
      const first = await this.#replay(commandKey, request);
      if (first) return { image: first, replayed: true };
    }

    if (input.bytes.length === 0) {
      throw fixError(
        "invalid_image",
        "The file is empty.",
        "Send the image's bytes in the `file` field.",
        "file",
      );
    }
    const { format, detected } = sniff(input.bytes);
    if (!format) {
      throw fixError(
        "unsupported_format",
        `Unsupported file type (detected: ${detected}).`,
        "Upload a JPEG, PNG or GIF image.",
        "file",
      );
    }
    const info = await inspectRaster(input.bytes, format, config.limits);

    const id = ids.imageId();
    const at = clock.now();
    for (let attempt = 0; attempt < 3; attempt++) {
      const blob = await blobs.put(input.bytes, at);
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
          ...(input.caption !== undefined ? { caption: input.caption } : {}),
          ...(input.metadata && Object.keys(input.metadata).length
            ? { metadata: input.metadata }
            : {}),
        },
      };
      try {
        const res = await runtime.send(`image-${id}`, command, {
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
        return { image: imageObject(docOf(res.events), config.publicUrl), replayed: false };
      } catch (err) {
        // The blob was collected between our write and our event: write it again.
        if (err instanceof GuardFailedError) continue;
        throw err;
      }
    }
    throw new AppError("internal_error", "Could not store the image; please retry.", {
      type: "retry",
      seconds: 1,
    });
  }

  async #replay(commandKey: string, request: string): Promise<ImageObject | null> {
    const record = await this.deps.runtime.store.command<IdempotencyRecord>(commandKey);
    if (!record) return null;
    if (record.request !== request) {
      throw fixError(
        "validation_error",
        "This Idempotency-Key was already used for a different request.",
        "Use a new Idempotency-Key for a new upload; reuse a key only to retry the same request.",
        "Idempotency-Key",
      );
    }
    return record.response;
  }
}
