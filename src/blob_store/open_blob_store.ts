import type { Config } from "../config.ts";
import { KvBlobStore } from "./kv_blob_store.ts";
import { S3BlobBytes } from "./s3_bytes.ts";

/** The blob store BLOB_BACKEND asks for: metadata always in this KV, bytes in KV or S3. */
export function openBlobStore(config: Pick<Config, "blobs">, kv: Deno.Kv): KvBlobStore {
  const b = config.blobs;
  if (b.backend === "kv") return new KvBlobStore(kv);
  return new KvBlobStore(kv, new S3BlobBytes(b.s3));
}
