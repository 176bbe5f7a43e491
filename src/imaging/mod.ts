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
