/**
 * What an ingest or transform job will hold in memory at its peak, known from headers alone,
 * for an admission step that runs jobs within one memory budget (issue 13, item 2).
 *
 * Bytes per pixel are the peak RSS growth of one job in a fresh process (/proc VmHWM) with the
 * pinned codecs, measured at 2000x2000 and, for PNG and JPEG, 7000x7000 (linear in between):
 *
 * | job                  | 4 MP   | 49 MP   |
 * | -------------------- | ------ | ------- |
 * | ingest PNG           | 57 MiB | 570 MiB |
 * | ingest JPEG          | 45 MiB | 370 MiB |
 * | ingest GIF / WebP    | 42–43  |         |
 * | ingest AVIF          | 103    |         |
 * | PNG → JPEG, same size| 82     |         |
 * | PNG → PNG / WebP / AVIF | 99 / 120 / 202 | |
 * | JPEG → JPEG w=800 (DCT-scaled decode) | 29 | 26 |
 * | JPEG → WebP, WebP → JPEG, AVIF → JPEG, GIF → GIF | 97, 66, 121, 77 | |
 *
 * The estimate is 0–15% above every measured figure, never below.
 * JPEG ingest has since been validated at 1/8 scale (inspect.ts: ~40 MB at 49 MP); its factor
 * stays the full decode's, which a JPEG libjpeg-turbo does not decode cleanly still falls back to.
 * HEIC, BMP and ICO are not measured: HEIC is charged as AVIF (libheif, then a JPEG encode),
 * BMP and ICO as an RGBA copy plus a PNG encode.
 */

/** Peak bytes per decoded pixel, the decoder's output included. */
const DECODE: Record<string, number> = {
  png: 12,
  jpeg: 7.6,
  gif: 7.2,
  webp: 7.2,
  avif: 23,
  heic: 23,
  bmp: 4,
  ico: 4,
  // Rasterised by resvg into a premultiplied pixmap, then unpremultiplied: not measured. Filter
  // layers are bounded on their own by the SVG render budget (svg_budget.ts), which the Worker
  // checks on the parsed tree; parsing it before admission would put that on the request thread.
  svg: 16,
};

/** Peak bytes per output pixel of encoding (the working copies of the pipeline included). */
const ENCODE: Record<string, number> = { jpg: 6.4, png: 10.8, webp: 16.4, avif: 38, gif: 9.2 };

/** What a codec's wasm instance grows to for any image. */
const BASE_BYTES = 18 * 2 ** 20;

/** What ingest converts a format to (and so encodes), if anything. */
const INGEST_ENCODES: Record<string, string | undefined> = { heic: "jpg", bmp: "png", ico: "png" };

export type PixelJob =
  | { kind: "ingest"; format: string; width: number; height: number; frames?: number }
  | {
    kind: "transform";
    format: string;
    /** The size decoded at: a JPEG scaled in the DCT decodes smaller than it is stored. */
    decoded: { width: number; height: number };
    frames?: number;
    output: { width: number; height: number; format: string };
  };

/** The job's estimated peak memory in bytes; every frame of an animation is held at once. */
export function pixelMemoryBytes(job: PixelJob): number {
  const frames = Math.max(1, job.frames ?? 1);
  const decodeFactor = DECODE[job.format] ?? DECODE.avif;
  if (job.kind === "ingest") {
    const pixels = job.width * job.height;
    const encoded = INGEST_ENCODES[job.format];
    return BASE_BYTES + pixels * (decodeFactor + (frames - 1) * 4) +
      (encoded ? pixels * ENCODE[encoded] : 0);
  }
  const decoded = job.decoded.width * job.decoded.height;
  const out = job.output.width * job.output.height;
  const encodeFactor = ENCODE[job.output.format] ?? ENCODE.avif;
  return BASE_BYTES + decoded * (decodeFactor + (frames - 1) * 4) +
    out * (encodeFactor + (frames - 1) * 4);
}
