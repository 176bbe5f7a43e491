import { kvKeys } from "../kv_keys.ts";

/**
 * The event store's KV keys (src/kv_keys.ts holds every concern's). The projection generations
 * live among the single named values, under "meta".
 */
export const keys = { ...kvKeys.events, projectionGens: kvKeys.meta.projectionGens };
