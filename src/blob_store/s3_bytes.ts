import { AwsClient } from "aws4fetch";
import {
  type BlobBytes,
  type ByteRange,
  type BytesRef,
  StoreUnavailableError,
} from "./blob_bytes.ts";

export type S3Options = {
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Prepended to every object key, e.g. `imgpro/`; lets one bucket serve several services. */
  prefix: string;
  /** `https://endpoint/bucket/key` rather than `https://bucket.endpoint/key` (MinIO, s3rver). */
  forcePathStyle: boolean;
  /** Objects larger than this go up in parts of `partBytes` (S3's minimum part is 5 MiB). */
  multipartThreshold?: number;
  partBytes?: number;
  /** A stream reads the object in ranged GETs of this size, each retried on its own. */
  getPieceBytes?: number;
  /** Per request; a request that takes longer is aborted and retried. */
  timeoutMs?: number;
  attempts?: number;
};

const MiB = 1024 * 1024;
const RETRY_BASE_MS = 100;

class Retryable extends Error {}

/**
 * One object per blob generation in an S3-compatible bucket (AWS, R2, MinIO, Garage, Ceph).
 * Every request is signed with SigV4 (aws4fetch), bounded by a timeout and retried with
 * exponential backoff on 5xx, 429 and network failures; what still fails becomes a 503 `retry`.
 */
export class S3BlobBytes implements BlobBytes {
  readonly kind = "s3";
  readonly #client: AwsClient;
  readonly #o: Required<S3Options>;

  constructor(opts: S3Options) {
    this.#o = {
      multipartThreshold: 16 * MiB,
      partBytes: 8 * MiB,
      getPieceBytes: 8 * MiB,
      timeoutMs: 15_000,
      attempts: 4,
      ...opts,
    };
    this.#client = new AwsClient({
      accessKeyId: opts.accessKeyId,
      secretAccessKey: opts.secretAccessKey,
      service: "s3",
      region: opts.region,
      retries: 0,
    });
  }

  /**
   * The object key of a generation. The generation (random) comes first: keys spread over the
   * bucket's partitions, and two generations of the same bytes never share a "directory" (file
   * based stores such as s3rver prune empty directories, racing a concurrent write into them).
   */
  objectKey(ref: Pick<BytesRef, "hash" | "gen">): string {
    return `${this.#o.prefix}blobs/${ref.gen}/${ref.hash}`;
  }

  url(key: string, query = ""): string {
    const base = new URL(this.#o.endpoint);
    const path = key.split("/").map(encodeURIComponent).join("/");
    const basePath = base.pathname.replace(/\/+$/, "");
    if (this.#o.forcePathStyle) {
      return `${base.origin}${basePath}/${this.#o.bucket}/${path}${query}`;
    }
    return `${base.protocol}//${this.#o.bucket}.${base.host}${basePath}/${path}${query}`;
  }

  async put(ref: BytesRef, bytes: Uint8Array): Promise<void> {
    const key = this.objectKey(ref);
    if (bytes.length <= this.#o.multipartThreshold) {
      const res = await this.#send("PUT", this.url(key), { body: bytes, ok: [200] });
      await res.body?.cancel();
      return;
    }
    await this.#multipart(key, bytes);
  }

  async #multipart(key: string, bytes: Uint8Array) {
    const created = await this.#send("POST", this.url(key, "?uploads"), { ok: [200] });
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(await created.text())?.[1];
    if (!uploadId) throw new StoreUnavailableError(`S3 CreateMultipartUpload ${key}: no UploadId`);
    const q = `uploadId=${encodeURIComponent(uploadId)}`;
    try {
      const parts: string[] = [];
      for (let n = 0, at = 0; at < bytes.length; n++, at += this.#o.partBytes) {
        const res = await this.#send("PUT", this.url(key, `?partNumber=${n + 1}&${q}`), {
          body: bytes.subarray(at, at + this.#o.partBytes),
          ok: [200],
        });
        await res.body?.cancel();
        const etag = res.headers.get("etag");
        if (!etag) throw new StoreUnavailableError(`S3 UploadPart ${key}: no ETag`);
        parts.push(`<Part><PartNumber>${n + 1}</PartNumber><ETag>${escapeXml(etag)}</ETag></Part>`);
      }
      const body = `<CompleteMultipartUpload>${parts.join("")}</CompleteMultipartUpload>`;
      const done = await this.#send("POST", this.url(key, `?${q}`), {
        body: new TextEncoder().encode(body),
        ok: [200],
      });
      // S3 may answer 200 and report the failure in the body.
      if ((await done.text()).includes("<Error>")) {
        throw new StoreUnavailableError(`S3 CompleteMultipartUpload ${key} failed`);
      }
    } catch (err) {
      await this.#send("DELETE", this.url(key, `?${q}`), { ok: [200, 204, 404] })
        .then((r) => r.body?.cancel(), () => {});
      throw err;
    }
  }

  async get(ref: BytesRef, range?: ByteRange): Promise<ReadableStream<Uint8Array> | null> {
    const end = Math.min(range?.end ?? ref.size, ref.size);
    let at = range?.start ?? 0;
    if (at >= end) return new ReadableStream({ start: (c) => c.close() });
    const key = this.objectKey(ref);
    const piece = (from: number) => {
      const to = Math.min(end, from + this.#o.getPieceBytes);
      return this.#send("GET", this.url(key), {
        headers: { range: `bytes=${from}-${to - 1}` },
        ok: [200, 206, 404],
      }).then(async (res) => {
        // A store that ignores Range answers 200 with the whole object: usable from byte 0 only.
        if (res.status === 200 && from > 0) {
          await res.body?.cancel();
          throw new StoreUnavailableError(`S3 GET ${key}: the store ignored the Range header`);
        }
        return { res, to };
      });
    };
    // The first piece is fetched before answering, so an unreachable store is a 503 while the
    // response can still say so, and a missing object is a null rather than a broken body.
    let current = await piece(at);
    if (current.res.status === 404) {
      await current.res.body?.cancel();
      return null;
    }
    let reader = current.res.body!.getReader();
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        while (true) {
          const { done, value } = await this.#readWithin(reader, key);
          if (!done) {
            const chunk = at + value.length > end ? value.subarray(0, end - at) : value;
            at += chunk.length;
            if (chunk.length) controller.enqueue(chunk);
            if (at >= end) {
              await reader.cancel();
              controller.close();
            }
            return;
          }
          if (at >= end) return controller.close();
          if (at < current.to) {
            return controller.error(new Error(`S3 object ${key} ended early at ${at}`));
          }
          current = await piece(at);
          if (current.res.status === 404) {
            await current.res.body?.cancel();
            return controller.error(new Error(`S3 object ${key} disappeared while read`));
          }
          reader = current.res.body!.getReader();
        }
      },
      cancel: (reason) => reader.cancel(reason),
    }, { highWaterMark: 0 });
  }

  /** A store that stalls mid-body must not hold the client's response open forever. */
  async #readWithin(reader: ReadableStreamDefaultReader<Uint8Array>, key: string) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stalled = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`S3 GET ${key}: no bytes for ${this.#o.timeoutMs} ms`));
        reader.cancel().catch(() => {});
      }, this.#o.timeoutMs);
    });
    try {
      return await Promise.race([reader.read(), stalled]);
    } finally {
      clearTimeout(timer);
    }
  }

  async head(ref: BytesRef): Promise<number | null> {
    const res = await this.#send("HEAD", this.url(this.objectKey(ref)), { ok: [200, 404] });
    await res.body?.cancel();
    if (res.status === 404) return null;
    return Number(res.headers.get("content-length") ?? ref.size);
  }

  async delete(ref: BytesRef): Promise<void> {
    const res = await this.#send("DELETE", this.url(this.objectKey(ref)), { ok: [200, 204, 404] });
    await res.body?.cancel();
  }

  /** Lists object keys under the prefix (operators' and tests' view of the bucket). */
  async listKeys(): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const q = new URLSearchParams({ "list-type": "2", prefix: this.#o.prefix });
      if (token) q.set("continuation-token", token);
      const res = await this.#send("GET", this.url("", `?${q}`), { ok: [200] });
      const xml = await res.text();
      for (const m of xml.matchAll(/<Key>([^<]*)<\/Key>/g)) keys.push(unescapeXml(m[1]));
      token = /<IsTruncated>true<\/IsTruncated>/.test(xml)
        ? /<NextContinuationToken>([^<]+)<\/NextContinuationToken>/.exec(xml)?.[1]
        : undefined;
    } while (token);
    return keys;
  }

  async #send(
    method: string,
    url: string,
    opts: { body?: Uint8Array; headers?: Record<string, string>; ok: number[] },
  ): Promise<Response> {
    let last = "";
    for (let attempt = 0; attempt < this.#o.attempts; attempt++) {
      if (attempt > 0) await delay(RETRY_BASE_MS * 4 ** (attempt - 1) * (0.5 + Math.random()));
      try {
        const signed = await this.#client.sign(url, {
          method,
          headers: opts.headers,
          body: opts.body as Uint8Array<ArrayBuffer> | undefined,
        });
        // The deadline covers sending and the response headers, not the body: a slow reader
        // of a large image must not abort its own stream.
        const abort = new AbortController();
        const timer = setTimeout(() => abort.abort(new Error("timed out")), this.#o.timeoutMs);
        const res = await fetch(signed, { signal: abort.signal }).finally(() =>
          clearTimeout(timer)
        );
        if (opts.ok.includes(res.status)) return res;
        const detail = (await res.text().catch(() => "")).slice(0, 300);
        last = `${method} ${url.split("?")[0]}: HTTP ${res.status} ${detail}`;
        if (res.status < 500 && res.status !== 429) throw new Error(last);
        throw new Retryable(last);
      } catch (err) {
        if (err instanceof Retryable) continue;
        // A 4xx other than 429 (bad credentials, no such bucket) will not heal on retry.
        if (err instanceof Error && err.message === last) break;
        const cause = err instanceof Error && err.cause instanceof Error
          ? ` (${err.cause.message})`
          : "";
        last = `${method} ${url.split("?")[0]}: ${
          err instanceof Error ? err.message : err
        }${cause}`;
      }
    }
    console.error(`blob store unavailable: ${last}`);
    throw new StoreUnavailableError(last);
  }
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
const escapeXml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const unescapeXml = (s: string) =>
  s.replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
