import { hasAscii, latin1, u16be, u32be } from "../codecs/mod.ts";

/*
 * Just enough of ISO-BMFF / HEIF (ISO 23008-12) for AVIF and HEIC: the image sizes an encoder
 * declared (ispe) and where the Exif item lives (iinf + iloc). All reads are bounds-checked;
 * a malformed structure yields "nothing found" and the decoder judges the file.
 */

type Box = { type: string; start: number; body: number; end: number };

/** The boxes inside [from, to), skipping the header of each; stops at the first broken one. */
function boxes(b: Uint8Array, from: number, to: number): Box[] {
  const out: Box[] = [];
  let o = from;
  while (o + 8 <= to) {
    let size = u32be(b, o);
    let header = 8;
    if (size === 1) {
      if (o + 16 > to || u32be(b, o + 8) !== 0) break;
      size = u32be(b, o + 12);
      header = 16;
    } else if (size === 0) {
      size = to - o;
    }
    if (size < header || o + size > to) break;
    out.push({ type: latin1(b, o + 4, 4), start: o, body: o + header, end: o + size });
    o += size;
  }
  return out;
}

const child = (b: Uint8Array, parent: Box | undefined, type: string, skip = 0) =>
  parent ? boxes(b, parent.body + skip, parent.end).find((x) => x.type === type) : undefined;

// meta, iinf, iloc and ispe are FullBoxes: a version byte and three flag bytes come first.
const FULL = 4;

function metaBox(b: Uint8Array): Box | undefined {
  return boxes(b, 0, b.length).find((x) => x.type === "meta");
}

/** Every ispe (image spatial extent) in the item properties: one per image, tile and thumbnail. */
export function imageSizes(b: Uint8Array): { width: number; height: number }[] {
  const ipco = child(b, child(b, metaBox(b), "iprp", FULL), "ipco");
  if (!ipco) return [];
  return boxes(b, ipco.body, ipco.end)
    .filter((x) => x.type === "ispe" && x.body + FULL + 8 <= x.end)
    .map((x) => ({ width: u32be(b, x.body + FULL), height: u32be(b, x.body + FULL + 4) }));
}

type Extent = { offset: number; length: number };

/**
 * The byte ranges of the first Exif item, for items stored in the file itself (construction
 * method 0) or in the meta box's idat (1). Null when there is none or it cannot be located.
 */
export function exifItemExtents(b: Uint8Array): Extent[] | null {
  const meta = metaBox(b);
  const id = exifItemId(b, child(b, meta, "iinf", FULL));
  if (id === null) return null;
  const iloc = child(b, meta, "iloc", FULL);
  if (!iloc) return null;
  const idat = child(b, meta, "idat", FULL);
  return itemExtents(b, iloc, id, idat?.body ?? null);
}

function exifItemId(b: Uint8Array, iinf: Box | undefined): number | null {
  if (!iinf) return null;
  const version = b[iinf.body];
  const first = iinf.body + FULL + (version === 0 ? 2 : 4);
  for (const infe of boxes(b, first, iinf.end)) {
    if (infe.type !== "infe") continue;
    const v = b[infe.body];
    if (v < 2) continue; // versions 0 and 1 carry no item type
    const idSize = v === 2 ? 2 : 4;
    const at = infe.body + FULL;
    if (at + idSize + 6 > infe.end) continue;
    const id = idSize === 2 ? u16be(b, at) : u32be(b, at);
    if (hasAscii(b, at + idSize + 2, "Exif")) return id;
  }
  return null;
}

function itemExtents(b: Uint8Array, iloc: Box, wanted: number, idat: number | null) {
  const version = b[iloc.body];
  let o = iloc.body + FULL;
  const read = (size: number): number => {
    let v = 0;
    for (let i = 0; i < size; i++) v = v * 256 + b[o + i];
    o += size;
    return v;
  };
  if (o + 2 > iloc.end) return null;
  const offsetSize = b[o] >> 4, lengthSize = b[o] & 15;
  const baseSize = b[o + 1] >> 4, indexSize = version > 0 ? b[o + 1] & 15 : 0;
  o += 2;
  const count = read(version < 2 ? 2 : 4);
  for (let i = 0; i < count; i++) {
    const perItem = (version < 2 ? 2 : 4) + (version > 0 ? 2 : 0) + 2 + baseSize + 2;
    if (o + perItem > iloc.end) return null;
    const id = read(version < 2 ? 2 : 4);
    const method = version > 0 ? read(2) & 15 : 0;
    o += 2; // data reference index
    const base = read(baseSize);
    const extentCount = read(2);
    const extents: Extent[] = [];
    for (let e = 0; e < extentCount; e++) {
      if (o + indexSize + offsetSize + lengthSize > iloc.end) return null;
      o += indexSize;
      const offset = base + read(offsetSize) + (method === 1 ? idat ?? NaN : 0);
      extents.push({ offset, length: read(lengthSize) });
    }
    if (id !== wanted) continue;
    if (method > 1) return null;
    const fits = extents.every((x) => x.offset >= 0 && x.offset + x.length <= b.length);
    return fits && extents.length > 0 ? extents : null;
  }
  return null;
}

/** The extents' bytes, joined. */
export function gather(b: Uint8Array, extents: Extent[]): Uint8Array {
  const out = new Uint8Array(extents.reduce((n, x) => n + x.length, 0));
  let o = 0;
  for (const x of extents) {
    out.set(b.subarray(x.offset, x.offset + x.length), o);
    o += x.length;
  }
  return out;
}

/** Writes `data` back over the extents it was gathered from. */
export function scatter(b: Uint8Array, extents: Extent[], data: Uint8Array): void {
  let o = 0;
  for (const x of extents) {
    b.set(data.subarray(o, o + x.length), x.offset);
    o += x.length;
  }
}

/** An HEIF Exif item starts with the offset of its TIFF header; usually 0, or 6 for "Exif\0\0". */
export function exifItemTiffStart(item: Uint8Array): number | null {
  if (item.length < 4) return null;
  const start = 4 + u32be(item, 0);
  return start + 8 <= item.length ? start : null;
}
