import { imageDecider } from "../domain/image/decider.ts";
import { ALL_PROJECTIONS } from "../projections/mod.ts";
import { ActorRuntime, type Decider, type DomainEventLike } from "./actors/mod.ts";
import { KvBlobStore } from "./blob_store/mod.ts";
import type { Clock } from "./clock.ts";
import type { Config } from "./config.ts";
import { EventStore } from "./event_store/mod.ts";
import type { IdGenerator } from "./ids.ts";
import { eventCodec } from "./images/event_codec.ts";
import { ImageQueries } from "./images/image_queries.ts";
import { UploadImageService } from "./images/upload_image.ts";

export type Services = ReturnType<typeof buildServices>;

/** The application services over one KV: shared by the server, the CLI tasks and the tests. */
export function buildServices(config: Config, kv: Deno.Kv, clock: Clock, ids: IdGenerator) {
  const store = new EventStore(kv, ALL_PROJECTIONS);
  const runtime = new ActorRuntime(
    store,
    { image: imageDecider as unknown as Decider<unknown, unknown, DomainEventLike> },
    eventCodec,
    { idleMs: config.actorIdleMs, maxRetries: 8 },
  );
  const blobs = new KvBlobStore(kv);
  const queries = new ImageQueries(store);
  const uploads = new UploadImageService({ config, runtime, blobs, clock, ids });
  return { kv, store, runtime, blobs, queries, uploads, clock, ids, config };
}
