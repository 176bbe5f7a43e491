// The public face of src/images/: other folders import from here, never from its files.
export { backfillPlaceholders } from "./backfill_placeholders.ts";
export { wellFormedDeleteLink } from "./delete_token.ts";
export { runExpiryJob } from "./expire_job.ts";
export { type ImageQueries } from "./image_queries.ts";
export { type ImageObject, imageObject, isLive, registerUrl } from "./image_view.ts";
export { fileTooLarge, maxUploadBytes } from "./upload_limits.ts";
