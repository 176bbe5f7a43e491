import { DECIDERS } from "../domain/deciders.ts";
import { ALL_PROJECTIONS } from "../projections/mod.ts";
import { AccountService } from "./accounts/account_service.ts";
import { EmailVault } from "./accounts/email_vault.ts";
import { RateLimiter } from "./accounts/rate_limiter.ts";
import { Sessions } from "./accounts/sessions.ts";
import { ActorRuntime } from "./actors/mod.ts";
import { openBlobStore } from "./blob_store/mod.ts";
import type { Clock } from "./clock.ts";
import type { Config } from "./config.ts";
import { EventStore } from "./event_store/mod.ts";
import type { IdGenerator } from "./ids.ts";
import { eventCodec } from "./images/event_codec.ts";
import { ImageQueries } from "./images/image_queries.ts";
import { ManageImages } from "./images/manage_images.ts";
import { UploadImageService } from "./images/upload_image.ts";
import { ImportImage } from "./images/import_image.ts";
import { SafeFetcher } from "./fetcher/mod.ts";
import { VERSION } from "./version.ts";
import { ReadModels } from "./read_models.ts";
import { Engine } from "./engine/mod.ts";
import { DeliverImage, TransformService } from "./delivery/mod.ts";
import { VariantCache } from "./variants/mod.ts";
import { WebhookDispatcher, WebhookService, WebhookStore } from "./webhooks/mod.ts";
import { VisionClient, VisionService } from "./vision/mod.ts";

export type Services = ReturnType<typeof buildServices>;

/** The application services over one KV: shared by the server, the CLI tasks and the tests. */
export function buildServices(
  config: Config,
  kv: Deno.Kv,
  clock: Clock,
  ids: IdGenerator,
  secret: string,
  opts: { engine?: Engine } = {},
) {
  const store = new EventStore(kv, ALL_PROJECTIONS);
  const runtime = new ActorRuntime(store, DECIDERS, eventCodec, {
    idleMs: config.actorIdleMs,
    maxRetries: 8,
  });
  const blobs = openBlobStore(config, kv);
  const readModels = new ReadModels(store);
  const queries = new ImageQueries(readModels);
  const accounts = new AccountService({
    config,
    runtime,
    readModels,
    vault: new EmailVault(kv, secret),
    clock,
    ids,
  });
  const engine = opts.engine ?? new Engine(engineOptions(config));
  const uploads = new UploadImageService({ config, runtime, blobs, clock, ids, secret, engine });
  const fetcher = new SafeFetcher({
    allowHosts: config.import.allowHosts,
    timeoutMs: config.import.timeoutMs,
    userAgent: `imgpro-import/${VERSION}`,
  });
  const imports = new ImportImage({ config, fetcher, uploads });
  const variants = new VariantCache(kv, blobs, queries.isBlobReferenced, clock, {
    maxBytes: config.transforms.cacheBytes,
    memoryBytes: config.transforms.hotCacheBytes,
  });
  const onImageEnded = async (id: string, blobHash: string) => {
    queries.forget(id);
    await variants.deleteVariantsOf(id);
    // Masks and face boxes belong to the blob: they go with the last image that shows it.
    if (!(await queries.isBlobReferenced(blobHash))) await vision.forget(blobHash);
  };
  const vision = new VisionService({
    blobs,
    variants,
    client: new VisionClient({ queue: config.vision.queue, worker: true, retryAfterSeconds: 3 }),
    options: {
      deadlineMs: config.vision.deadlineMs,
      retryAfterSeconds: 3,
      // A model at another path (or read another way) makes other masks: a new key.
      strategy: config.vision.modelPath
        ? `onnx:${config.vision.modelNormalize}:${config.vision.modelPath}`
        : "auto",
      ...(config.vision.modelPath
        ? { model: { path: config.vision.modelPath, normalize: config.vision.modelNormalize } }
        : {}),
    },
  });
  const transforms = new TransformService({
    blobs,
    variants,
    vision,
    engine,
    limits: config.limits,
  });
  const delivery = new DeliverImage({
    queries,
    transforms,
    variants,
    clock,
    secret,
    publicUrl: config.publicUrl,
  });
  const images = new ManageImages({
    config,
    readModels,
    runtime,
    clock,
    ids,
    queries,
    blobs,
    onImageEnded,
  });
  const sessions = new Sessions(kv);
  const rateLimiter = new RateLimiter(kv);
  const hooks = new WebhookStore(kv);
  const allowHosts = new Set(config.import.allowHosts);
  const webhooks = new WebhookService({ hooks, clock, secret, allowHosts });
  // Not started here: main.ts starts its loop; tests and CLI tasks tick it when they need to.
  const webhookDispatcher = new WebhookDispatcher({
    store,
    hooks,
    queries,
    clock,
    secret,
    publicUrl: config.publicUrl,
    allowHosts,
  });
  return {
    kv,
    store,
    runtime,
    blobs,
    readModels,
    queries,
    uploads,
    imports,
    images,
    accounts,
    sessions,
    rateLimiter,
    variants,
    transforms,
    delivery,
    webhooks,
    webhookDispatcher,
    vision,
    engine,
    onImageEnded,
    clock,
    ids,
    config,
    secret,
  };
}

/** The engine's shape from the config: one queue for transforms and the uploads let through. */
export function engineOptions(config: Config, workerUrl?: URL) {
  return {
    workers: config.engine.workers,
    inlineConcurrency: config.transforms.concurrency,
    waiting: { transform: config.transforms.queue, ingest: config.ingest.concurrency },
    deadlineMs: config.engine.jobTimeoutMs,
    retryAfterSeconds: 2,
    memoryBytes: config.engine.memoryBytes,
    recycleBytes: config.engine.recycleBytes,
    workerUrl,
  };
}
