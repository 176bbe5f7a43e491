import type { Services } from "../services.ts";
import type { Caller } from "./caller.ts";

/**
 * What route modules may use: application services from buildServices (never KV, the store or
 * the runtime directly), and the version the app reports.
 */
export type AppDeps =
  & Pick<
    Services,
    | "config"
    | "secret"
    | "clock"
    | "uploads"
    | "imports"
    | "images"
    | "queries"
    | "blobs"
    | "accounts"
    | "sessions"
    | "rateLimiter"
    | "transforms"
    | "delivery"
    | "webhooks"
  >
  & { version: string };

export type AppEnv = { Variables: { requestId: string; caller: Caller } };
