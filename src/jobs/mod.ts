export {
  BLOB_GRACE_MS,
  blobGcCron,
  collectBlobs,
  EXPIRY_PER_RUN,
  expiryCron,
} from "./scheduled.ts";
export { withKvLease } from "./kv_lease.ts";
