/**
 * Background removal and face crop, in words: one text for llms.txt, llms-full.txt, the
 * agents' guide and OpenAPI, so they never disagree. Each line is a sentence or two.
 */
export function visionLines(base: string): string[] {
  return [
    `Background removal: ${base}/{id}?segment=foreground is a PNG with a transparent ` +
    "background (any format may be asked for: WebP and AVIF keep the transparency; " +
    "background=<colour> fills it; format=jpg without background is flattened onto white). " +
    "Edges are feathered, not jagged. Animated GIFs use their first frame.",
    "The X-Segment-Method response header says which method made the mask, each with its " +
    "known weakness: flood (a plain backdrop keyed by its colour from the border; fails when " +
    "the subject touches the border in the backdrop's colour), selfie (a person model, also " +
    "used for animals: clean on people, patchy on fur and held objects), grabcut (colour " +
    "models from the detected subject's box: good on products, weak on busy or similar-coloured " +
    "backgrounds), onnx (the operator's own model, when one is installed).",
    "The mask is computed once per image and reused by every size and format. The first " +
    "request for an image waits for it (usually well under a second); if it is not ready " +
    "within about 5 s the answer is 503 overloaded with Retry-After, and the retry is served " +
    "from the finished mask.",
    "Face crop: gravity=face in a signed link with w and h (fit=cover or crop) crops to the " +
    "faces found in the image, with a margin, at the output's aspect; with no face it falls " +
    "back to gravity=auto. Mint it with POST /v1/images/{id}/links (or the MCP tool " +
    'transform_link), e.g. {"w": 400, "h": 400, "fit": "cover", "gravity": "face"}.',
  ];
}
