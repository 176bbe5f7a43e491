import type { ImageQueries } from "../images/image_queries.ts";
import type { UploadImageService } from "../images/upload_image.ts";
import type { BlobStore } from "../blob_store/mod.ts";
import type { Clock } from "../clock.ts";
import type { Config } from "../config.ts";

/** What route modules may use: application services, never KV directly. */
export type AppDeps = {
  config: Config;
  secret: string;
  clock: Clock;
  uploads: UploadImageService;
  queries: ImageQueries;
  blobs: BlobStore;
  version: string;
};

import type { Caller } from "./caller.ts";

export type AppEnv = { Variables: { requestId: string; caller: Caller } };
