/**
 * The vision engine: foreground masks (`segment=foreground`) and face boxes (`gravity=face`).
 * Models run in a dedicated Worker (VisionClient, vision_worker.ts); results are cached per
 * source blob (VisionService); the pipeline composites on them (applyMask, faceWindow). This
 * face is light: the models (tfjs, OpenCV) load only where jobs run, through engine.ts
 * (`runVisionJob`, and `segmentForeground`/`detectFaces` on RGBA for tests and benchmarks).
 */
export type { Box } from "./boxes.ts";
export { applyMask, faceWindow, orientBoxes } from "./composite.ts";
export type { VisionJob, VisionResult } from "./engine.ts";
export type { Mask } from "./raster.ts";
export type { SegmentMethod } from "./segment.ts";
export { VisionClient, type VisionClientOptions } from "./vision_client.ts";
export { VISION_VERSION, VisionService, type VisionServiceOptions } from "./vision_service.ts";
