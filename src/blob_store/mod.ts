export * from "./blob_store.ts";
export { CHUNK_BYTES, KvBlobStore } from "./kv_blob_store.ts";
