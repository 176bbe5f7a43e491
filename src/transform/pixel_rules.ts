import { extensionsOf, STORED_IDS } from "../formats/mod.ts";
import type { OutputFormat, TransformParams } from "./params.ts";
import type { StoredFormat } from "../codecs/mod.ts";
import { isIdentityTone } from "../pixels/mod.ts";

/** A stored format's extension (from the format registry): what serving it as it is means. */
export const EXTENSION_OF: Record<StoredFormat, OutputFormat | "svg"> = extensionsOf(STORED_IDS);

/** True when the pixels come out as they went in: only the container or metadata may change. */
export function touchesPixels(p: TransformParams): boolean {
  return p.rotate !== undefined || p.flip !== undefined || p.size !== undefined ||
    p.w !== undefined || p.h !== undefined || p.background !== undefined ||
    !isIdentityTone(p) || (p.saturation ?? 1) !== 1 || p.blur !== undefined ||
    (p.sharp ?? 0) > 0 || p.quality !== undefined || p.segment !== undefined;
}
