export {
  extensionsOf,
  type FormatId,
  type FormatInfo,
  FORMATS,
  OUTPUT_IDS,
  type OutputId,
  STORED_IDS,
  type StoredId,
} from "./registry.ts";
