// The public face of src/transform/: other folders import from here, never from its files.
export { FORMAT_MIME, type Gravity, type OutputFormat, type TransformParams } from "./params.ts";
export {
  decodeTarget,
  type Output,
  type PipelineLimits,
  type PipelineVision,
  runPipeline,
  type Source,
  touchesPixels,
} from "./pipeline.ts";
export { EXTENSION_OF } from "./pixel_rules.ts";
export { orientedSize, outputSize, planGeometry } from "./plan.ts";
