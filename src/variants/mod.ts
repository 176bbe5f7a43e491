export {
  type Computed,
  type Variant,
  VariantCache,
  type VariantCacheOptions,
  type VariantMeta,
} from "./variant_cache.ts";
