import decodeIcoLib from "decode-ico";
import { hasAscii, u16le, u32be, u32le } from "./bytes.ts";
import { invalidImage } from "./errors.ts";
import { asRgba, type Rgba } from "./rgba.ts";

export type IcoEntry = {
  /** The size read from the embedded image's own header; the directory's bytes are only hints. */
  width: number;
  height: number;
  bitsPerPixel: number;
  kind: "png" | "bmp";
  /** The embedded image's bytes (a whole PNG file, or a DIB without its file header). */
  data: Uint8Array;
};

const PNG_SIGNATURE = "\x89PNG\r\n\x1a\n";

/**
 * Picks the entry ingest keeps: the most pixels, then the most bits per pixel. Sizes come from
 * each embedded header, so a bomb hiding behind a "16×16" directory entry is still seen.
 */
export function largestIcoEntry(b: Uint8Array): IcoEntry {
  const bad = (reason: string) => invalidImage("ico", reason);
  const count = u16le(b, 4);
  if (b.length < 6 + count * 16) throw bad("the file ends inside its directory");
  let best: IcoEntry | null = null;
  for (let i = 0; i < count; i++) {
    const entry = 6 + i * 16;
    const size = u32le(b, entry + 8), offset = u32le(b, entry + 12);
    if (offset + size > b.length || size < 16) throw bad("an image lies outside the file");
    const data = b.subarray(offset, offset + size);
    const candidate = hasAscii(data, 0, PNG_SIGNATURE) ? pngEntry(data) : bmpEntry(data);
    if (!candidate) throw bad("an image header is malformed");
    const pixels = candidate.width * candidate.height;
    const bestPixels = best ? best.width * best.height : -1;
    if (
      pixels > bestPixels || (pixels === bestPixels && candidate.bitsPerPixel > best!.bitsPerPixel)
    ) {
      best = candidate;
    }
  }
  if (!best) throw bad("it contains no image");
  return best;
}

function pngEntry(data: Uint8Array): IcoEntry | null {
  if (data.length < 33 || !hasAscii(data, 12, "IHDR")) return null;
  const bitsPerChannel = data[24];
  const channels = [1, 0, 3, 1, 2, 0, 4][data[25]] ?? 0;
  return {
    width: u32be(data, 16),
    height: u32be(data, 20),
    bitsPerPixel: bitsPerChannel * channels,
    kind: "png",
    data,
  };
}

// The DIB's height counts the colour rows and the 1-bit AND mask below them: twice the image.
function bmpEntry(data: Uint8Array): IcoEntry | null {
  if (u32le(data, 0) < 40 || data.length < 40) return null;
  const width = u32le(data, 4) | 0, height = (u32le(data, 8) | 0) / 2;
  if (width <= 0 || height <= 0 || !Number.isInteger(height)) return null;
  return { width, height, bitsPerPixel: u16le(data, 14), kind: "bmp", data };
}

/**
 * Decodes one BMP entry with decode-ico, fed a one-entry icon so that it decodes only the chosen
 * image (it decodes every entry it is given).
 */
export function decodeIcoBmp(entry: IcoEntry): Rgba {
  const file = new Uint8Array(22 + entry.data.length);
  const view = new DataView(file.buffer);
  view.setUint16(2, 1, true); // type: icon
  view.setUint16(4, 1, true); // one entry
  file[6] = entry.width & 0xff; // the directory's 0 means 256
  file[7] = entry.height & 0xff;
  view.setUint16(10, 1, true);
  view.setUint16(12, entry.bitsPerPixel, true);
  view.setUint32(14, entry.data.length, true);
  view.setUint32(18, 22, true);
  file.set(entry.data, 22);
  const [image] = decodeIcoLib(file);
  if (!image || image.width !== entry.width || image.height !== entry.height) {
    throw new Error("decode-ico returned an image of another size");
  }
  return asRgba(image);
}
