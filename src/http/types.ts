import type { AccountService } from "../accounts/account_service.ts";
import type { RateLimiter } from "../accounts/rate_limiter.ts";
import type { Sessions } from "../accounts/sessions.ts";
import type { BlobStore } from "../blob_store/mod.ts";
import type { Clock } from "../clock.ts";
import type { Config } from "../config.ts";
import type { ImageQueries } from "../images/image_queries.ts";
import type { ManageImages } from "../images/manage_images.ts";
import type { UploadImageService } from "../images/upload_image.ts";
import type { TransformService } from "../delivery/mod.ts";
import type { WebhookService } from "../webhooks/mod.ts";
import type { Caller } from "./caller.ts";

/** What route modules may use: application services, never KV directly. */
export type AppDeps = {
  config: Config;
  secret: string;
  clock: Clock;
  uploads: UploadImageService;
  images: ManageImages;
  queries: ImageQueries;
  blobs: BlobStore;
  accounts: AccountService;
  sessions: Sessions;
  rateLimiter: RateLimiter;
  transforms: TransformService;
  webhooks: WebhookService;
  version: string;
};

export type AppEnv = { Variables: { requestId: string; caller: Caller } };
