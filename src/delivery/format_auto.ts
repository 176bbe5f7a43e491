import { FORMATS } from "../formats/mod.ts";
import type { OutputFormat, TransformParams } from "../transform/mod.ts";
import { touchesPixels } from "../transform/mod.ts";

/** The parts of a stored image that decide whether negotiation may change its format. */
export type NegotiationSource = { format: string; frames: number };

/** Media types the client lists with a quality above zero (`image/avif;q=0` refuses AVIF). */
function listed(accept: string): Set<string> {
  const out = new Set<string>();
  for (const part of accept.split(",")) {
    const [type, ...options] = part.split(";").map((s) => s.trim().toLowerCase());
    const q = options.find((o) => o.startsWith("q="));
    if (q !== undefined && !(Number(q.slice(2)) > 0)) continue;
    if (type) out.add(type);
  }
  return out;
}

/**
 * `format=auto`: AVIF when Accept lists image/avif, else WebP when it lists image/webp, else
 * the stored format (undefined). Wildcards do not count: `*\/*` says nothing about AVIF
 * support. Two stored kinds keep their format whatever Accept says, because the WebP and AVIF
 * encoders write stills: an animated GIF (it would stop moving) and an SVG served unchanged
 * (a vector is sharper and usually smaller than any raster of it).
 */
export function negotiateFormat(
  accept: string | undefined,
  source: NegotiationSource,
  p: TransformParams,
): OutputFormat | undefined {
  if (source.format === "gif" && source.frames > 1) return undefined;
  if (source.format === "svg" && !touchesPixels(p)) return undefined;
  const types = listed(accept ?? "");
  if (types.has(FORMATS.avif.mime)) return FORMATS.avif.extension;
  if (types.has(FORMATS.webp.mime)) return FORMATS.webp.extension;
  return undefined;
}

/**
 * Puts `format=auto` back into a canonical query (parsing takes it out of the parameters, as
 * it is resolved per request): sorted with the others, `sig` kept last.
 */
export function withFormatAuto(query: string): string {
  const parts = query ? query.split("&") : [];
  const sig = parts.filter((p) => p.startsWith("sig="));
  const rest = [...parts.filter((p) => !p.startsWith("sig=")), "format=auto"].sort();
  return [...rest, ...sig].join("&");
}

/** The parsed query with `format=auto` resolved for this request (variant key and ETag follow). */
export function withNegotiatedFormat<T extends { params: TransformParams }>(
  parsed: T,
  source: NegotiationSource,
  accept: string | undefined,
): T {
  const format = negotiateFormat(accept, source, parsed.params);
  return format ? { ...parsed, params: { ...parsed.params, format } } : parsed;
}
