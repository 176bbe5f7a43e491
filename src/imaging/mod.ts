export {
  type Detected,
  type InputFormat,
  type RasterFormat,
  sniff,
  type SniffResult,
} from "./sniff.ts";
export { type InspectLimits, inspectRaster, type RasterInfo } from "./inspect.ts";
export { ingest, type Ingested, type IngestOptions, type IngestResult } from "./ingest.ts";
export { loadResvg } from "../codecs/mod.ts";
export { decodeSource } from "./source_decode.ts";
export { swapsAxes } from "./exif_orientation.ts";
export { readHeader } from "./header.ts";
export { imageSizes } from "./isobmff.ts";
export { resolveLimits } from "./limits.ts";
export { pixelMemoryBytes } from "./pixel_memory.ts";
export { placeholdersOf } from "./placeholder_source.ts";
export { type StoredFormat } from "./stored_format.ts";
export { SVG_BUDGET } from "./svg_budget.ts";
export { readWebpHeader } from "./webp_header.ts";
