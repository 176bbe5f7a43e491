import { z } from "zod";
import { DEFAULT_PLANS, type Plan, PLAN_NAMES, type PlanName } from "../domain/account/plans.ts";
import { normaliseHostPort } from "./fetcher/mod.ts";

/** Sizes are decimal, as the SPEC writes them ("20 MB", "5 GB") and as people read them. */
const MB = 1_000_000;
const int = (min: number) => z.coerce.number().int().min(min);

/** `host:port,host:port`; each entry normalised like a URL host so spellings compare equal. */
const hostPortList = z.string().default("").transform((raw, ctx) => {
  const out: string[] = [];
  for (const entry of raw.split(",").map((s) => s.trim()).filter(Boolean)) {
    const hostPort = normaliseHostPort(entry);
    if (!hostPort) {
      ctx.addIssue({ code: "custom", message: `"${entry}" is not host:port, e.g. 127.0.0.1:8080` });
      return z.NEVER;
    }
    out.push(hostPort);
  }
  return out;
});

const S3_ENV = {
  BLOB_BACKEND: z.enum(["kv", "s3"], "must be kv or s3").default("kv"),
  S3_ENDPOINT: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" })
    .optional(),
  S3_REGION: z.string().default("us-east-1"),
  S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "not a valid bucket name")
    .optional(),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  // "." and ".." segments are dropped by URL normalisation: "../" would address another bucket.
  S3_PREFIX: z.string().regex(
    /^$|^(?:(?!\.{1,2}\/)[^/]+\/)+$/,
    "must be empty or path segments ending with / (e.g. imgpro/), without empty, . or .. segments",
  ).default(""),
  S3_FORCE_PATH_STYLE: z.enum(["0", "1", "true", "false"], "must be 1, 0, true or false")
    .default("0"),
};
const S3_REQUIRED = [
  "S3_ENDPOINT",
  "S3_BUCKET",
  "S3_ACCESS_KEY_ID",
  "S3_SECRET_ACCESS_KEY",
] as const;

/** Where image bytes live (metadata is always in KV). */
export type BlobsConfig =
  | { backend: "kv" }
  | {
    backend: "s3";
    s3: {
      endpoint: string;
      region: string;
      bucket: string;
      accessKeyId: string;
      secretAccessKey: string;
      prefix: string;
      forcePathStyle: boolean;
    };
  };

function blobsConfig(e: z.infer<typeof EnvSchema>): BlobsConfig {
  if (e.BLOB_BACKEND === "kv") return { backend: "kv" };
  const missing = S3_REQUIRED.filter((k) => !e[k]);
  if (missing.length) {
    throw new ConfigError(
      `Invalid configuration:\n${
        missing.map((k) => `  ${k}: required when BLOB_BACKEND=s3`).join("\n")
      }`,
    );
  }
  return {
    backend: "s3",
    s3: {
      endpoint: e.S3_ENDPOINT!,
      region: e.S3_REGION,
      bucket: e.S3_BUCKET!,
      accessKeyId: e.S3_ACCESS_KEY_ID!,
      secretAccessKey: e.S3_SECRET_ACCESS_KEY!,
      prefix: e.S3_PREFIX,
      forcePathStyle: e.S3_FORCE_PATH_STYLE === "1" || e.S3_FORCE_PATH_STYLE === "true",
    },
  };
}

/**
 * Everything the service reads from the environment, validated once at start.
 * Limits follow SPEC §4; each can be overridden by the variable of the same name.
 */
const EnvSchema = z.object({
  PORT: int(1).max(65535).default(8000),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  KV_PATH: z.string().min(1).default("./data/imgpro.kv"),
  SECRET: z.string().min(32, "SECRET must be at least 32 characters").optional(),
  ANON_MAX_BYTES: int(1).default(20 * MB),
  ACCOUNT_MAX_BYTES: int(1).default(70 * MB),
  ANON_RETENTION_DAYS: int(1).max(90).default(30),
  MAX_PIXELS: int(1).default(50_000_000),
  MAX_FRAMES: int(1).default(300),
  MAX_ANIMATION_PIXELS: int(1).default(200_000_000),
  SVG_MAX_BYTES: int(1).default(10 * MB),
  ACTOR_IDLE_MS: int(1).default(60_000),
  ANON_UPLOADS_PER_HOUR: int(1).default(20),
  ANON_UPLOADS_PER_DAY: int(1).default(100),
  LOGIN_FAILURES_PER_15_MIN: int(1).default(10),
  SIGNUPS_PER_HOUR: int(1).default(10),
  TRUST_PROXY: z.enum(["0", "1"]).default("0"),
  PUBLIC_URL_REDIRECT: z.enum(["0", "1"]).default("1"),
  PLAN_FREE_UPLOADS: int(0).optional(),
  PLAN_FREE_STORAGE: int(0).optional(),
  PLAN_PRO_UPLOADS: int(0).optional(),
  PLAN_PRO_STORAGE: int(0).optional(),
  PLAN_SCALE_UPLOADS: int(0).optional(),
  PLAN_SCALE_STORAGE: int(0).optional(),
  PLAN_MAX_UPLOADS: int(0).optional(),
  PLAN_MAX_STORAGE: int(0).optional(),
  IMPORT_ALLOW_HOSTS: hostPortList,
  IMPORT_TIMEOUT_MS: int(100).max(120_000).default(10_000),
  VARIANT_CACHE_BYTES: int(0).default(1000 * MB),
  TRANSFORM_CONCURRENCY: int(1).default(2),
  TRANSFORM_QUEUE: int(0).default(8),
  INGEST_CONCURRENCY: int(1).default(2),
  INGEST_QUEUE: int(0).default(32),
  UPLOAD_BODY_TIMEOUT_MS: int(100).max(600_000).default(30_000),
  INGEST_READ_CONCURRENCY: int(1).default(16),
  INGEST_READ_BUFFER_MB: int(1).default(64),
  UPLOAD_MIN_BYTES_PER_SEC: int(0).default(16_384),
  UPLOAD_RATE_WINDOW_MS: int(100).max(600_000).default(5_000),
  SEGMENT_DEADLINE_MS: int(100).max(120_000).default(5_000),
  SEGMENT_QUEUE: int(1).default(8),
  SEGMENT_MODEL_PATH: z.string().optional(),
  SEGMENT_MODEL_NORMALIZE: z.enum(["unit", "imagenet", "isnet"]).default("unit"),
  IMAGE_WORKERS: int(0).max(256).optional(),
  IMAGE_JOB_TIMEOUT_MS: int(100).max(600_000).default(60_000),
  IMAGE_MEMORY_MB: int(16).default(384),
  IMAGE_WORKER_RECYCLE_MB: int(16).default(256),
  HOT_CACHE_BYTES: int(0).default(64 * MB),
  DENO_DEPLOYMENT_ID: z.string().optional(),
  ...S3_ENV,
});

export type Config = {
  port: number;
  publicUrl: string;
  kvPath: string | undefined;
  /** Undefined until resolved from KV in development (see resolveSecret). */
  secret: string | undefined;
  onDeploy: boolean;
  limits: {
    anonMaxBytes: number;
    accountMaxBytes: number;
    anonRetentionSeconds: number;
    maxPixels: number;
    maxFrames: number;
    maxAnimationPixels: number;
    /** SVG uploads, for every caller: sanitising and parsing cost grows with the text. */
    svgMaxBytes: number;
  };
  actorIdleMs: number;
  rateLimits: {
    anonPerHour: number;
    anonPerDay: number;
    loginFailuresPer15Min: number;
    /** Accounts created per client IP per hour: free accounts are not to be farmed. */
    signupsPerHour: number;
  };
  /** Take the client IP from the first X-Forwarded-For hop (only behind a trusted proxy). */
  trustProxy: boolean;
  /** Send browsers that open a page at another host to PUBLIC_URL (src/http/canonical_host.ts). */
  publicUrlRedirect: boolean;
  plans: Record<PlanName, Plan>;
  import: {
    /** Normalised `host:port` pairs imports may reach despite the address rules. */
    allowHosts: string[];
    /** One deadline for a whole import: DNS, connects, redirects and the body. */
    timeoutMs: number;
  };
  /**
   * Uploads and imports processed at once; later ones wait (their bodies unread) or, past the
   * queue, get 503. Each 20 MB upload needs ~120 MB while it is decoded and stored.
   */
  ingest: {
    concurrency: number;
    queue: number;
    /** Inside a slot, the whole request body must arrive within this, or 422 and the slot frees. */
    bodyTimeoutMs: number;
    /**
     * Bodies read before a slot is taken, at most this many held at once (never fewer than
     * the slots); a body slower than `minBytesPerSecond` over a window is cut with 408.
     */
    readConcurrency: number;
    /** Bytes the bodies being read or held may reserve together (by their declared length). */
    readBufferBytes: number;
    minBytesPerSecond: number;
    rateWindowMs: number;
  };
  transforms: {
    /** Bytes all cached variants may occupy before the least recently used are evicted. */
    cacheBytes: number;
    /** Transforms computed at once, and how many more may wait before 503 overloaded. */
    concurrency: number;
    queue: number;
    /** Bytes of the hottest variants kept in this process's memory, in front of the blob store. */
    hotCacheBytes: number;
  };
  /** Pixel work (ingest decode, transforms) off the request thread. */
  engine: {
    /** Worker threads; 0 runs jobs inline on the main thread (hosts without Workers, debugging). */
    workers: number;
    /** A job still running after this fails with 503 and its Worker is replaced. */
    jobTimeoutMs: number;
    /** Estimated peak memory of the pixel jobs running at once; the rest wait (IMAGE_MEMORY_MB). */
    memoryBytes: number;
    /** A Worker past this after a job is replaced (IMAGE_WORKER_RECYCLE_MB). */
    recycleBytes: number;
  };
  /** Background removal and face detection (src/vision). */
  vision: {
    /** How long a request waits for its mask or faces before 503 overloaded with Retry-After. */
    deadlineMs: number;
    /** Vision jobs waiting for the Worker before 503 overloaded. */
    queue: number;
    /** An operator-supplied ONNX salient-object model; unset uses the bundled router. */
    modelPath: string | undefined;
    /** How that model wants its input scaled. */
    modelNormalize: "unit" | "imagenet" | "isnet";
  };
  blobs: BlobsConfig;
};

export class ConfigError extends Error {
  override name = "ConfigError";
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  // Empty strings mean "unset": shells and .env files often export VAR= by accident.
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ""),
  );
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const onDeploy = e.DENO_DEPLOYMENT_ID !== undefined;
  if (onDeploy && !e.SECRET) {
    throw new ConfigError("Invalid configuration:\n  SECRET: required on Deno Deploy");
  }
  return {
    port: e.PORT,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ""),
    // On Deploy the managed KV is opened with no path.
    kvPath: onDeploy && env.KV_PATH === undefined ? undefined : e.KV_PATH,
    secret: e.SECRET,
    onDeploy,
    limits: {
      anonMaxBytes: e.ANON_MAX_BYTES,
      accountMaxBytes: e.ACCOUNT_MAX_BYTES,
      anonRetentionSeconds: e.ANON_RETENTION_DAYS * 86_400,
      maxPixels: e.MAX_PIXELS,
      maxFrames: e.MAX_FRAMES,
      maxAnimationPixels: e.MAX_ANIMATION_PIXELS,
      svgMaxBytes: e.SVG_MAX_BYTES,
    },
    actorIdleMs: e.ACTOR_IDLE_MS,
    ingest: {
      concurrency: e.INGEST_CONCURRENCY,
      queue: e.INGEST_QUEUE,
      bodyTimeoutMs: e.UPLOAD_BODY_TIMEOUT_MS,
      readConcurrency: Math.max(e.INGEST_READ_CONCURRENCY, e.INGEST_CONCURRENCY),
      readBufferBytes: e.INGEST_READ_BUFFER_MB * MB,
      minBytesPerSecond: e.UPLOAD_MIN_BYTES_PER_SEC,
      rateWindowMs: e.UPLOAD_RATE_WINDOW_MS,
    },
    transforms: {
      cacheBytes: e.VARIANT_CACHE_BYTES,
      concurrency: e.TRANSFORM_CONCURRENCY,
      queue: e.TRANSFORM_QUEUE,
      hotCacheBytes: e.HOT_CACHE_BYTES,
    },
    engine: {
      workers: e.IMAGE_WORKERS ?? Math.max(1, navigator.hardwareConcurrency || 1),
      jobTimeoutMs: e.IMAGE_JOB_TIMEOUT_MS,
      memoryBytes: e.IMAGE_MEMORY_MB * MB,
      recycleBytes: e.IMAGE_WORKER_RECYCLE_MB * MB,
    },
    vision: {
      deadlineMs: e.SEGMENT_DEADLINE_MS,
      queue: e.SEGMENT_QUEUE,
      modelPath: e.SEGMENT_MODEL_PATH,
      modelNormalize: e.SEGMENT_MODEL_NORMALIZE,
    },
    rateLimits: {
      anonPerHour: e.ANON_UPLOADS_PER_HOUR,
      anonPerDay: e.ANON_UPLOADS_PER_DAY,
      loginFailuresPer15Min: e.LOGIN_FAILURES_PER_15_MIN,
      signupsPerHour: e.SIGNUPS_PER_HOUR,
    },
    trustProxy: e.TRUST_PROXY === "1",
    publicUrlRedirect: e.PUBLIC_URL_REDIRECT === "1",
    plans: Object.fromEntries(PLAN_NAMES.map((name) => {
      const upper = name.toUpperCase() as Uppercase<PlanName>;
      const d = DEFAULT_PLANS[name];
      return [name, {
        ...d,
        uploads: e[`PLAN_${upper}_UPLOADS`] ?? d.uploads,
        storage: e[`PLAN_${upper}_STORAGE`] ?? d.storage,
      }];
    })) as Record<PlanName, Plan>,
    import: { allowHosts: e.IMPORT_ALLOW_HOSTS, timeoutMs: e.IMPORT_TIMEOUT_MS },
    blobs: blobsConfig(e),
  };
}
