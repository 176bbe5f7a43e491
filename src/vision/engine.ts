import { swapsAxes } from "../imaging/mod.ts";
import { readHeader } from "../imaging/mod.ts";
import { orient } from "../pixels/mod.ts";
import type { StoredFormat } from "../codecs/mod.ts";
import { decodeSource } from "../imaging/mod.ts";
import type { Box } from "./boxes.ts";
import type { OnnxModel } from "./onnx_model.ts";
import type { Mask } from "./raster.ts";
import { detectFaces, FACE_SIDE, SEGMENT_SIDE, type SegmentMethod } from "./segment.ts";
import { segmentForeground } from "./segment.ts";

/** A job for the engine: the stored original's bytes, decoded where the job runs. */
export type VisionJob = {
  op: "segment" | "faces";
  bytes: Uint8Array;
  format: StoredFormat;
  /** The operator's ONNX model (SEGMENT_MODEL_PATH), when one is configured. */
  model?: OnnxModel;
  /** Displayed size (after EXIF orientation): what masks and boxes are relative to. */
  width: number;
  height: number;
};

export type SegmentResult = { op: "segment"; mask: Mask; method: SegmentMethod };
/** Boxes in displayed pixels of the original. */
export type FacesResult = { op: "faces"; boxes: Box[] };
export type VisionResult = SegmentResult | FacesResult;

/**
 * Runs one job: decode (first frame, EXIF-oriented, a JPEG straight at a reduced size), then
 * segment or detect. Mask sizes are the working size; boxes are scaled to the displayed size.
 */
export async function runVisionJob(job: VisionJob): Promise<VisionResult> {
  const side = job.op === "segment" ? SEGMENT_SIDE : FACE_SIDE;
  const img = await displayed(job, side);
  if (job.op === "segment") {
    const { mask, method } = await segmentForeground(img, job.model);
    return { op: "segment", mask, method };
  }
  const s = job.width / img.width;
  const boxes = (await detectFaces(img)).map((b) => ({
    x: b.x * s,
    y: b.y * s,
    width: b.width * s,
    height: b.height * s,
    score: b.score,
  }));
  return { op: "faces", boxes };
}

async function displayed(job: VisionJob, side: number) {
  const orientation = orientationOf(job);
  const s = Math.min(1, side / Math.max(job.width, job.height));
  const swap = swapsAxes(orientation);
  const w = Math.ceil((swap ? job.height : job.width) * s);
  const h = Math.ceil((swap ? job.width : job.height) * s);
  const [first] = await decodeSource(job.bytes, job.format, { atLeast: { width: w, height: h } });
  return orient(first, orientation);
}

function orientationOf(job: VisionJob): number {
  if (job.format !== "jpeg" && job.format !== "png") return 1;
  try {
    return readHeader(job.bytes, job.format).orientation;
  } catch {
    return 1;
  }
}
export { detectFaces, segmentForeground } from "./segment.ts";
