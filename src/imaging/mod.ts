export { type Detected, type RasterFormat, sniff, type SniffResult } from "./sniff.ts";
export { type InspectLimits, inspectRaster, type RasterInfo } from "./inspect.ts";
