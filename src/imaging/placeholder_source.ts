import { orient } from "../pixels/mod.ts";
import { decodeSource } from "./source_decode.ts";
import { readHeader } from "./header.ts";
import { type Placeholders, placeholders } from "./placeholders.ts";
import type { StoredFormat } from "./stored_format.ts";

/**
 * The placeholders of a stored original, from its bytes: what ingest adds to a new image and
 * the backfill task to an old one, so both give the same strings. Decoded small where the
 * codec can (JPEG scales in the DCT, SVG renders at about 100 px); EXIF orientation applied so
 * the placeholder has the displayed aspect. Undefined when the bytes cannot be decoded: a
 * placeholder is a nicety, never a reason to refuse an image ingest already accepted.
 */
export async function placeholdersOf(
  bytes: Uint8Array,
  format: StoredFormat,
  size: { width: number; height: number },
): Promise<Placeholders | undefined> {
  try {
    // Long side about 100 px, but never under one pixel: a 1×1000 drawing would render as zero.
    const s = 100 / Math.max(size.width, size.height);
    const atLeast = format === "svg"
      ? { width: Math.max(1, size.width * s), height: Math.max(1, size.height * s) }
      : { width: 100, height: 100 };
    const [frame] = await decodeSource(bytes, format, { atLeast });
    const orientation = format === "jpeg" || format === "png"
      ? readHeader(bytes, format).orientation
      : 1;
    const shown = orient(frame, orientation);
    return placeholders(shown.data, shown.width, shown.height);
  } catch (err) {
    console.error(`placeholders: ${format} could not be decoded:`, err);
    return undefined;
  }
}
