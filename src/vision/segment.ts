import type { Rgba } from "../codecs/mod.ts";
import { blazeFaces } from "./blazeface.ts";
import type { Box } from "./boxes.ts";
import { scaleBoxes } from "./boxes.ts";
import { floodKey } from "./flood_key.ts";
import { grabCutMask } from "./grabcut.ts";
import { ANIMALS, detectObjects, PERSON } from "./nanodet.ts";
import { downscale, feather, type Mask, resizeMask } from "./raster.ts";
import { onnxMask, type OnnxModel } from "./onnx_model.ts";
import { selfieMask } from "./selfie.ts";

/** Long side the segmenters see; masks are kept at this size and upsampled when composited. */
export const SEGMENT_SIDE = 640;
/** Long side the face detector sees. */
export const FACE_SIDE = 1024;

/**
 * Which method made a mask, as the X-Segment-Method header says. `flood`: a plain backdrop
 * keyed by colour; `selfie`: MediaPipe's person model (people, and animals); `grabcut`: OpenCV
 * GrabCut from the detector's box (products, everything else); `onnx`: the operator's model.
 */
export type SegmentMethod = "flood" | "selfie" | "grabcut" | "onnx";

export type Segmentation = { mask: Mask; method: SegmentMethod };

/** Detector confidence needed before its class decides the route. */
const ROUTE_SCORE = 0.3;
/**
 * Smallest share of the frame a detection must cover to be taken for the subject. On
 * rocket.jpg NanoDet's only find is a 0.35 "toilet" on the launch pad (1.3 % of the frame):
 * GrabCut from that box kept the pad and lost the rocket. Real subjects laid at 30 % of the
 * width (alpha.png's shapes in the evaluation) still cover ~5 %.
 */
const ROUTE_AREA = 0.02;

/**
 * The foreground mask of an image (8-bit alpha at the working size, long side ≤ SEGMENT_SIDE).
 * The operator's ONNX model when one is configured and loads; otherwise a plain border → flood
 * key; a person or an animal → the selfie model; anything else → GrabCut from the detector's
 * box, or from the frame less a margin when nothing large enough is detected.
 */
export async function segmentForeground(img: Rgba, model?: OnnxModel): Promise<Segmentation> {
  const small = downscale(img, SEGMENT_SIDE);
  if (model) {
    try {
      return { mask: feather(await onnxMask(small, model), 1), method: "onnx" };
    } catch (err) {
      // The operator's model is theirs to fix; until then the bundled route still answers.
      warnOnce(model.path, err);
    }
  }
  const flood = floodKey(small);
  if (flood) return { mask: feather(flood, 1), method: "flood" };
  const frame = small.width * small.height;
  const found = (await detectObjects(small)).filter((d) =>
    d.score >= ROUTE_SCORE && area(d) >= ROUTE_AREA * frame
  );
  const subject = found.sort((a, b) => b.score * area(b) - a.score * area(a))[0];
  if (subject && (subject.label === PERSON || ANIMALS.has(subject.label))) {
    const m = await selfieMask(small);
    return { mask: feather(resizeMask(m, small.width, small.height), 1), method: "selfie" };
  }
  const box = subject ? grow(subject, 0.05, small) : inset(small, 0.04);
  const cut = await grabCutMask(small, box);
  return { mask: feather(resizeMask(cut, small.width, small.height), 1), method: "grabcut" };
}

/** Face boxes in `img`'s pixels, best first: found on a copy with a long side ≤ FACE_SIDE. */
export async function detectFaces(img: Rgba): Promise<Box[]> {
  const small = downscale(img, FACE_SIDE);
  const s = small.width / img.width;
  return scaleBoxes(await blazeFaces(small), s, img.width, img.height);
}

const area = (b: Box) => b.width * b.height;

const warned = new Set<string>();
function warnOnce(path: string, err: unknown) {
  if (warned.has(path)) return;
  warned.add(path);
  console.error(`SEGMENT_MODEL_PATH ${path} failed, using the bundled segmenters: ${err}`);
}

function grow(b: Box, by: number, img: Rgba): Box {
  const dx = b.width * by, dy = b.height * by;
  const x = Math.max(0, b.x - dx), y = Math.max(0, b.y - dy);
  return {
    x,
    y,
    width: Math.min(img.width, b.x + b.width + dx) - x,
    height: Math.min(img.height, b.y + b.height + dy) - y,
    score: b.score,
  };
}

function inset(img: Rgba, by: number): Box {
  const dx = img.width * by, dy = img.height * by;
  return { x: dx, y: dy, width: img.width - 2 * dx, height: img.height - 2 * dy, score: 0 };
}
