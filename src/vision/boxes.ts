/** A detection in image pixels. */
export type Box = { x: number; y: number; width: number; height: number; score: number };

export function iou(a: Box, b: Box): number {
  const x0 = Math.max(a.x, b.x), y0 = Math.max(a.y, b.y);
  const x1 = Math.min(a.x + a.width, b.x + b.width), y1 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

/** Greedy non-maximum suppression: the best box of each overlapping group. */
export function nms(boxes: Box[], threshold: number, max: number): Box[] {
  const kept: Box[] = [];
  for (const b of [...boxes].sort((p, q) => q.score - p.score)) {
    if (kept.length >= max) break;
    if (kept.every((k) => iou(k, b) < threshold)) kept.push(b);
  }
  return kept;
}

/** Boxes found on a copy scaled by `s` (copy = image × s), back in image pixels, clamped. */
export function scaleBoxes(boxes: Box[], s: number, width: number, height: number): Box[] {
  return boxes.map((b) => {
    const x = Math.max(0, b.x / s), y = Math.max(0, b.y / s);
    return {
      x,
      y,
      width: Math.min(width, (b.x + b.width) / s) - x,
      height: Math.min(height, (b.y + b.height) / s) - y,
      score: b.score,
    };
  }).filter((b) => b.width > 0 && b.height > 0);
}
