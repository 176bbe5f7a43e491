export * from "./blob_store.ts";
export { KvBlobStore } from "./kv_blob_store.ts";
export { CHUNK_BYTES, KvBlobBytes } from "./kv_bytes.ts";
export {
  type BlobBytes,
  type ByteRange,
  type BytesRef,
  StoreUnavailableError,
} from "./blob_bytes.ts";
export { S3BlobBytes, type S3Options } from "./s3_bytes.ts";
export { openBlobStore } from "./open_blob_store.ts";
