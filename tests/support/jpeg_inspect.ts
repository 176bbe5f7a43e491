/** Test-side readers for what a served JPEG or GIF carries, independent of the service's code. */

const u16 = (b: Uint8Array, o: number, le: boolean) =>
  le ? b[o] | (b[o + 1] << 8) : (b[o] << 8) | b[o + 1];
const u32 = (b: Uint8Array, o: number, le: boolean) =>
  le
    ? (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0
    : ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;

/** The TIFF payload of every Exif APP1 segment before the first scan. */
export function exifBlocks(jpeg: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let o = 2;
  while (o + 4 <= jpeg.length && jpeg[o] === 0xff && jpeg[o + 1] !== 0xda) {
    const len = (jpeg[o + 2] << 8) | jpeg[o + 3];
    const exif = String.fromCharCode(...jpeg.subarray(o + 4, o + 10)) === "Exif\0\0";
    if (jpeg[o + 1] === 0xe1 && exif) out.push(jpeg.subarray(o + 10, o + 2 + len));
    o += 2 + len;
  }
  return out;
}

export const TAGS: Record<string, number> = {
  Make: 0x010f,
  Model: 0x0110,
  Orientation: 0x0112,
  Artist: 0x013b,
  Copyright: 0x8298,
  ImageDescription: 0x010e,
  ExifIFD: 0x8769,
  GPSInfo: 0x8825,
};

/** IFD0 as tag name (or hex id) → value: strings for ASCII, numbers for SHORT/LONG. */
export function ifd0(tiff: Uint8Array): Record<string, string | number> {
  const le = tiff[0] === 0x49;
  const at = u32(tiff, 4, le);
  const names = Object.fromEntries(Object.entries(TAGS).map(([k, v]) => [v, k]));
  const out: Record<string, string | number> = {};
  for (let i = 0; i < u16(tiff, at, le); i++) {
    const e = at + 2 + i * 12;
    const tag = u16(tiff, e, le), type = u16(tiff, e + 2, le), count = u32(tiff, e + 4, le);
    const name = names[tag] ?? `0x${tag.toString(16)}`;
    if (type === 2) {
      const from = count <= 4 ? e + 8 : u32(tiff, e + 8, le);
      out[name] = String.fromCharCode(...tiff.subarray(from, from + count)).replace(/\0+$/, "");
    } else if (type === 3) {
      out[name] = u16(tiff, e + 8, le);
    } else {
      out[name] = u32(tiff, e + 8, le);
    }
  }
  return out;
}

/** Frame count and each frame's delay (hundredths of a second) of a GIF. */
export function gifFrames(b: Uint8Array): { frames: number; delays: number[] } {
  const table = (packed: number) => (packed & 0x80 ? 3 * 2 ** ((packed & 7) + 1) : 0);
  let o = 13 + table(b[10]);
  const delays: number[] = [];
  let frames = 0;
  const skip = () => {
    while (b[o] !== 0) o += b[o] + 1;
    o++;
  };
  while (o < b.length && b[o] !== 0x3b) {
    if (b[o] === 0x21) {
      if (b[o + 1] === 0xf9) delays.push(b[o + 4] | (b[o + 5] << 8));
      o += 2;
      skip();
    } else if (b[o] === 0x2c) {
      o += 10 + table(b[o + 9]) + 1;
      skip();
      frames++;
    } else {
      throw new Error(`unexpected GIF block 0x${b[o].toString(16)} at ${o}`);
    }
  }
  return { frames, delays };
}
