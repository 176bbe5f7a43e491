import { concat, hasAscii, u32be, u32le } from "../codecs/mod.ts";
import { stripGpsInPlace } from "./exif_gps.ts";
import { exifItemExtents, exifItemTiffStart, gather, scatter } from "./isobmff.ts";
import { jpegSegments } from "../codecs/mod.ts";

/*
 * GPS leaves every stored original, whatever its container; the rest of the metadata stays for
 * `metadata=keep`. Each function returns the input itself when there was nothing to remove, and
 * otherwise a copy: the uploaded bytes are never modified.
 */

const APP1 = 0xe1;
const EXIF_ID = "Exif\0\0";
const XMP_ID = "http://ns.adobe.com/xap/1.0/\0";

/** JPEG: the GPS IFD of every Exif APP1 segment, and the GPS properties of the XMP packet. */
export function stripJpegGps(jpeg: Uint8Array): Uint8Array {
  let out = jpeg;
  const splices: { start: number; end: number; with: Uint8Array }[] = [];
  for (const { start, end } of jpegSegments(jpeg).filter((s) => s.marker === APP1)) {
    if (hasAscii(jpeg, start + 4, EXIF_ID)) {
      const at = start + 4 + EXIF_ID.length;
      const tiff = jpeg.slice(at, end);
      if (!stripGpsInPlace(tiff)) continue;
      if (out === jpeg) out = jpeg.slice();
      out.set(tiff, at);
    } else if (hasAscii(jpeg, start + 4, XMP_ID)) {
      const xmp = new TextDecoder().decode(jpeg.subarray(start + 4 + XMP_ID.length, end));
      const kept = withoutXmpGps(xmp);
      // XMP has no offsets into the file, so it can shrink; the segment length is rewritten.
      if (kept !== xmp) splices.push({ start, end, with: app1(XMP_ID, kept) });
    }
  }
  if (splices.length === 0) return out;
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const splice of splices) {
    parts.push(out.subarray(at, splice.start), splice.with);
    at = splice.end;
  }
  parts.push(out.subarray(at));
  return concat(parts);
}

/** exif:GPS* properties, as attributes or as elements, in any prefix's spelling. */
export function withoutXmpGps(xmp: string): string {
  return xmp
    .replace(/\s[\w.-]+:GPS[\w.-]*\s*=\s*("[^"]*"|'[^']*')/g, "")
    .replace(/<([\w.-]+:GPS[\w.-]*)\b[^>]*?(\/>|>[\s\S]*?<\/\1\s*>)/g, "");
}

function app1(id: string, text: string): Uint8Array {
  const body = new TextEncoder().encode(id + text);
  const out = new Uint8Array(4 + body.length);
  out.set([0xff, APP1, (body.length + 2) >> 8, (body.length + 2) & 0xff]);
  out.set(body, 4);
  return out;
}

/** PNG: the eXIf chunk, with its CRC recomputed. */
export function stripPngGps(png: Uint8Array): Uint8Array {
  for (let o = 8; o + 12 <= png.length;) {
    const length = u32be(png, o);
    const data = o + 8;
    if (data + length + 4 > png.length || hasAscii(png, o + 4, "IEND")) break;
    if (hasAscii(png, o + 4, "eXIf")) {
      const out = png.slice();
      if (!stripGpsInPlace(out.subarray(data, data + length))) return png;
      const crc = crc32(out.subarray(o + 4, data + length));
      new DataView(out.buffer).setUint32(data + length, crc);
      return out;
    }
    o = data + length + 4;
  }
  return png;
}

/** WebP: the EXIF chunk of an extended (VP8X) file. */
export function stripWebpGps(webp: Uint8Array): Uint8Array {
  for (let o = 12; o + 8 <= webp.length;) {
    const length = u32le(webp, o + 4);
    const data = o + 8;
    if (data + length > webp.length) break;
    if (hasAscii(webp, o, "EXIF")) {
      const out = webp.slice();
      // Some writers keep the JPEG "Exif\0\0" prefix inside the chunk.
      const tiff = hasAscii(out, data, EXIF_ID) ? data + EXIF_ID.length : data;
      return stripGpsInPlace(out.subarray(tiff, data + length)) ? out : webp;
    }
    o = data + length + (length & 1);
  }
  return webp;
}

/** AVIF/HEIC: the Exif item, wherever iloc places it. */
export function stripIsoBmffGps(file: Uint8Array): Uint8Array {
  const extents = exifItemExtents(file);
  if (!extents) return file;
  const item = gather(file, extents);
  const start = exifItemTiffStart(item);
  if (start === null || !stripGpsInPlace(item.subarray(start))) return file;
  const out = file.slice();
  scatter(out, extents, item);
  return out;
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) crc = CRC_TABLE[(crc ^ b) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
