/** Synthetic images the fixtures do not cover: headers only, or a fixture with another header. */
import { fixture } from "./test_app.ts";

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A PNG that declares `width`×`height` RGB pixels and carries none: a decompression-bomb probe. */
export function pngHeaderOnly(width: number, height: number): Uint8Array {
  const out = new Uint8Array(8 + 25 + 12);
  const view = new DataView(out.buffer);
  out.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  view.setUint32(8, 13);
  out.set(new TextEncoder().encode("IHDR"), 12);
  view.setUint32(16, width);
  view.setUint32(20, height);
  out.set([8, 2, 0, 0, 0], 24); // 8-bit RGB, deflate, no filter, no interlace
  view.setUint32(29, crc32(out.subarray(12, 29)));
  out.set([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82], 33); // IEND
  return out;
}

/** rocket.jpg (640×427) with an Exif block saying orientation 6: displayed 427×640. */
export async function rotatedRocket(): Promise<Uint8Array> {
  const rocket = await fixture("rocket.jpg");
  const tiff = new Uint8Array(26);
  const v = new DataView(tiff.buffer);
  tiff.set([0x4d, 0x4d]);
  v.setUint16(2, 42);
  v.setUint32(4, 8);
  v.setUint16(8, 1);
  v.setUint16(10, 0x0112);
  v.setUint16(12, 3);
  v.setUint32(14, 1);
  v.setUint16(18, 6);
  const head = new Uint8Array([0xff, 0xe1, 0, 34, ...new TextEncoder().encode("Exif\0\0")]);
  const out = new Uint8Array(rocket.length + head.length + tiff.length);
  out.set(rocket.subarray(0, 2));
  out.set(head, 2);
  out.set(tiff, 2 + head.length);
  out.set(rocket.subarray(2), 2 + head.length + tiff.length);
  return out;
}

/**
 * A real single-colour RGB PNG of `width`×`height` (7000×7000 is 49 MP in about 150 KB): a
 * decompression bomb within MAX_PIXELS. Rows are compressed as they are made, so building it
 * never holds the raw pixels.
 */
export async function pngBomb(
  width: number,
  height: number,
  rgb = [40, 90, 160],
): Promise<Uint8Array<ArrayBuffer>> {
  const stride = 1 + width * 3;
  // Rows go to the compressor a batch at a time: one write per row compresses far worse.
  const batch = Math.max(1, Math.min(height, Math.floor(4_000_000 / stride)));
  const rows = new Uint8Array(stride * batch);
  // Filter "Sub" on every row: the first pixel, then zero differences, compresses best.
  for (let r = 0; r < batch; r++) rows.set([1, ...rgb], r * stride);
  const stream = new CompressionStream("deflate");
  const compressed = new Response(stream.readable).arrayBuffer();
  const writer = stream.writable.getWriter();
  for (let y = 0; y < height; y += batch) {
    await writer.write(rows.subarray(0, stride * Math.min(batch, height - y)));
  }
  await writer.close();
  const idat = new Uint8Array(await compressed);
  const chunk = (type: string, data: Uint8Array) => {
    const out = new Uint8Array(12 + data.length);
    const view = new DataView(out.buffer);
    view.setUint32(0, data.length);
    out.set(new TextEncoder().encode(type), 4);
    out.set(data, 8);
    view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
    return out;
  };
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, width);
  new DataView(ihdr.buffer).setUint32(4, height);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", idat),
    chunk("IEND", new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, at), at += p.length;
  return out;
}
