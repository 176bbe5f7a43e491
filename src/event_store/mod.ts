export * from "./event_store.ts";
export { keys } from "./keys.ts";
export { assertWithinLimits, KV_LIMITS, KvLimitError } from "./kv_limits.ts";
export { getMany, initialGeneration } from "./projection_writer.ts";
export type { Generations } from "./projection_writer.ts";
