import { concat, hasAscii, u16be, u16le, u32be, u32le } from "./bytes.ts";
import { type JpegSegment, jpegSegments } from "./jpeg_segments.ts";

const SOI = 0xd8, APP0 = 0xe0, APP1 = 0xe1, APP13 = 0xed;
const TAG_ARTIST = 0x013b, TAG_COPYRIGHT = 0x8298, TAG_ORIENTATION = 0x0112;
const EXIF_HEADER = [0x45, 0x78, 0x69, 0x66, 0, 0]; // "Exif\0\0"

/** The marker segments before the first scan; none when the bytes do not start with SOI. */
function segments(b: Uint8Array): JpegSegment[] {
  return b[0] === 0xff && b[1] === SOI ? jpegSegments(b) : [];
}

const isExif = (b: Uint8Array, s: JpegSegment) =>
  s.marker === APP1 && hasAscii(b, s.start + 4, "Exif\0\0");

/** The TIFF block of the first Exif APP1 segment, or null. */
export function readExif(jpeg: Uint8Array): Uint8Array | null {
  const s = segments(jpeg).find((seg) => isExif(jpeg, seg));
  return s ? jpeg.slice(s.start + 10, s.end) : null;
}

type Entry = { tag: number; type: number; count: number; value: Uint8Array };

/** IFD0's entries with their value bytes (inline or pointed to), in file byte order. */
function ifd0(tiff: Uint8Array): { little: boolean; entries: Entry[]; at: number } | null {
  const little = hasAscii(tiff, 0, "II");
  if (!little && !hasAscii(tiff, 0, "MM")) return null;
  const u16 = little ? u16le : u16be, u32 = little ? u32le : u32be;
  if (tiff.length < 8) return null;
  const at = u32(tiff, 4);
  if (at + 2 > tiff.length) return null;
  const entries: Entry[] = [];
  const sizes: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 9: 4, 10: 8 };
  for (let i = 0; i < u16(tiff, at); i++) {
    const e = at + 2 + i * 12;
    if (e + 12 > tiff.length) break;
    const type = u16(tiff, e + 2), count = u32(tiff, e + 4);
    const size = (sizes[type] ?? 1) * count;
    const from = size <= 4 ? e + 8 : u32(tiff, e + 8);
    if (from + size > tiff.length) continue;
    entries.push({ tag: u16(tiff, e), type, count, value: tiff.slice(from, from + size) });
  }
  return { little, entries, at };
}

/**
 * A new TIFF block holding only Artist and Copyright (both ASCII, so byte order does not touch
 * their values); null when the source has neither.
 */
export function copyrightOnly(tiff: Uint8Array): Uint8Array | null {
  const ifd = ifd0(tiff);
  if (!ifd) return null;
  const kept = ifd.entries
    .filter((e) => (e.tag === TAG_ARTIST || e.tag === TAG_COPYRIGHT) && e.type === 2)
    .sort((a, b) => a.tag - b.tag);
  if (kept.length === 0) return null;
  const ifdSize = 2 + kept.length * 12 + 4;
  const dataSize = kept.reduce((n, e) => n + (e.value.length > 4 ? e.value.length : 0), 0);
  const out = new Uint8Array(8 + ifdSize + dataSize);
  const v = new DataView(out.buffer);
  out.set([0x4d, 0x4d, 0, 42]); // "MM", big-endian
  v.setUint32(4, 8);
  v.setUint16(8, kept.length);
  let data = 8 + ifdSize;
  kept.forEach((e, i) => {
    const o = 10 + i * 12;
    v.setUint16(o, e.tag);
    v.setUint16(o + 2, e.type);
    v.setUint32(o + 4, e.count);
    if (e.value.length <= 4) {
      out.set(e.value, o + 8);
    } else {
      v.setUint32(o + 8, data);
      out.set(e.value, data);
      data += e.value.length;
    }
  });
  return out;
}

/**
 * A copy with Orientation set to 1: the pixels have been turned already, and a viewer that
 * honoured the old value would turn them a second time.
 */
export function withUprightOrientation(tiff: Uint8Array): Uint8Array {
  const out = tiff.slice();
  const ifd = ifd0(out);
  if (!ifd) return out;
  const u16 = ifd.little ? u16le : u16be;
  for (let i = 0; i < u16(out, ifd.at); i++) {
    const e = ifd.at + 2 + i * 12;
    if (e + 12 > out.length) break;
    if (u16(out, e) === TAG_ORIENTATION) {
      new DataView(out.buffer).setUint16(e + 8, 1, ifd.little);
    }
  }
  return out;
}

/**
 * The JPEG without the segments that carry metadata about the photo or the person: Exif and
 * XMP (APP1), IPTC (APP13) and comments. The colour profile (APP2) and the Adobe marker (APP14)
 * stay, since the colours depend on them. Returns the input itself when nothing is removed.
 */
export function stripMetadata(jpeg: Uint8Array): Uint8Array {
  const drop = segments(jpeg).filter((s) => s.marker === APP1 || s.marker === APP13);
  if (drop.length === 0) return jpeg;
  const parts: Uint8Array[] = [];
  let from = 0;
  for (const s of drop) {
    parts.push(jpeg.subarray(from, s.start));
    from = s.end;
  }
  parts.push(jpeg.subarray(from));
  return concat(parts);
}

/** Inserts an Exif APP1 after SOI (and after a JFIF APP0, which must come first). */
export function insertExif(jpeg: Uint8Array, tiff: Uint8Array | null): Uint8Array {
  if (!tiff) return jpeg;
  const length = 2 + EXIF_HEADER.length + tiff.length;
  if (length > 0xffff) return jpeg; // cannot be one segment; never true for what we write
  const head = new Uint8Array([0xff, APP1, length >> 8, length & 0xff, ...EXIF_HEADER]);
  const first = segments(jpeg)[0];
  const at = first?.marker === APP0 ? first.end : 2;
  return concat([jpeg.subarray(0, at), head, tiff, jpeg.subarray(at)]);
}

export type MetadataMode = "copyright" | "none" | "keep";

/**
 * The Exif block an output JPEG gets: Artist and Copyright only, nothing, or everything stored
 * (upright, when the pixels were turned).
 */
export function exifFor(
  source: Uint8Array | null,
  mode: MetadataMode,
  turned: boolean,
): Uint8Array | null {
  if (!source || mode === "none") return null;
  if (mode === "copyright") return copyrightOnly(source);
  return turned ? withUprightOrientation(source) : source;
}
