import { z } from "zod";

const MiB = 1024 * 1024;
const int = (min: number) => z.coerce.number().int().min(min);

/**
 * Everything the service reads from the environment, validated once at start.
 * Limits follow SPEC §4; each can be overridden by the variable of the same name.
 */
const EnvSchema = z.object({
  PORT: int(1).max(65535).default(8000),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  KV_PATH: z.string().min(1).default("./data/imgpro.kv"),
  SECRET: z.string().min(32, "SECRET must be at least 32 characters").optional(),
  ANON_MAX_BYTES: int(1).default(20 * MiB),
  ACCOUNT_MAX_BYTES: int(1).default(70 * MiB),
  ANON_RETENTION_DAYS: int(1).max(90).default(30),
  MAX_PIXELS: int(1).default(50_000_000),
  MAX_FRAMES: int(1).default(300),
  MAX_ANIMATION_PIXELS: int(1).default(200_000_000),
  ACTOR_IDLE_MS: int(1).default(60_000),
  DENO_DEPLOYMENT_ID: z.string().optional(),
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
  };
  actorIdleMs: number;
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
    },
    actorIdleMs: e.ACTOR_IDLE_MS,
  };
}
