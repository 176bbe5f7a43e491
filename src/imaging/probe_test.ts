import assert from "node:assert/strict";
import { AppError } from "../../domain/errors.ts";
import { decodeWebp, largestIcoEntry } from "../codecs/mod.ts";
import { exifItemExtents, imageSizes } from "./isobmff.ts";
import { readWebpHeader } from "./webp_header.ts";
import {
  animatedWebp,
  avif,
  gradient,
  icoDib,
  icoFile,
  png,
  webp,
} from "../../tests/support/formats.ts";

const isInvalid = (e: unknown) => e instanceof AppError && e.code === "invalid_image";

Deno.test("webp probe: lossy, lossless and alpha (VP8X) stills", async () => {
  const lossy = await webp(gradient(33, 17));
  const lossless = await webp(gradient(33, 17), { lossless: true });
  const alpha = await webp(gradient(33, 17, true));
  for (const [file, first] of [[lossy, "VP8 "], [lossless, "VP8L"], [alpha, "VP8X"]] as const) {
    assert.equal(new TextDecoder().decode(file.subarray(12, 16)), first);
    const header = readWebpHeader(file);
    assert.deepEqual([header.width, header.height, header.frames], [33, 17, 1], first);
    assert.equal(header.largestFramePixels, 33 * 17);
    assert.equal(header.firstFrame, null);
  }
});

Deno.test("webp probe: an animation counts its frames and yields its first as a still", async () => {
  const red = await webp({ ...gradient(20, 10), data: new Uint8Array(800).fill(200) });
  const blue = await webp(gradient(20, 10));
  const anim = animatedWebp([red, blue, blue], 20, 10);
  const header = readWebpHeader(anim);
  assert.deepEqual([header.width, header.height, header.frames], [20, 10, 3]);
  const still = header.firstFrame!;
  assert.equal(readWebpHeader(still).frames, 1);
  const decoded = await decodeWebp(still);
  assert.deepEqual([decoded.width, decoded.height], [20, 10]);
  assert.ok(Math.abs(decoded.data[0] - 200) < 8, "it is the first frame's pixels");
});

Deno.test("webp probe: a VP8X canvas of 16384×16384 counts, whatever the bitstream says", async () => {
  const small = await webp(gradient(8, 8)); // a simple VP8 file: its chunk starts at 12
  const vp8x = new Uint8Array([...new TextEncoder().encode("VP8X"), 10, 0, 0, 0, 0, 0, 0, 0]);
  const bomb = new Uint8Array([
    ...small.subarray(0, 12),
    ...vp8x,
    ...[0xff, 0x3f, 0, 0xff, 0x3f, 0],
    ...small.subarray(12),
  ]);
  new DataView(bomb.buffer).setUint32(4, bomb.length - 8, true);
  const header = readWebpHeader(bomb);
  assert.deepEqual([header.width, header.height], [16384, 16384]);
  assert.equal(header.largestFramePixels, 16384 * 16384);
});

Deno.test("webp probe: truncated chunks are invalid_image", async () => {
  const file = await webp(gradient(16, 16));
  assert.throws(() => readWebpHeader(file.subarray(0, 30)), isInvalid);
  assert.throws(() => readWebpHeader(new TextEncoder().encode("RIFF\0\0\0\0WEBX")), isInvalid);
});

Deno.test("isobmff probe: AVIF's ispe gives the size; no Exif item here", async () => {
  const file = await avif(gradient(40, 24));
  assert.deepEqual(imageSizes(file), [{ width: 40, height: 24 }]);
  assert.equal(exifItemExtents(file), null);
  assert.deepEqual(imageSizes(file.subarray(0, 40)), [], "cut before meta: nothing found");
});

Deno.test("isobmff probe: photo.heic declares 512×512 and has a locatable Exif item", async () => {
  const heic = await Deno.readFile("tests/fixtures/photo.heic");
  const sizes = imageSizes(heic);
  assert.ok(sizes.length >= 1);
  assert.ok(sizes.every((s) => s.width <= 512 && s.height <= 512));
  assert.ok(sizes.some((s) => s.width === 512 && s.height === 512));
  const [extent] = exifItemExtents(heic)!;
  const tiff = heic.subarray(extent.offset + 4, extent.offset + extent.length);
  assert.match(new TextDecoder().decode(tiff.subarray(0, 2)), /II|MM|Ex/);
});

Deno.test("ico probe: the largest entry wins, by its own header, not the directory", async () => {
  const small = await png(gradient(16, 16));
  const big = icoDib(gradient(48, 40));
  // The directory claims 16×16 for the DIB too: the DIB header says 48×40.
  const ico = icoFile([
    { width: 16, height: 16, bpp: 32, data: small },
    { width: 48, height: 40, bpp: 32, data: big },
  ], [[16, 16], [16, 16]]);
  const entry = largestIcoEntry(ico);
  assert.deepEqual([entry.kind, entry.width, entry.height], ["bmp", 48, 40]);
  const pngWins = icoFile([
    { width: 48, height: 40, bpp: 32, data: big },
    { width: 64, height: 64, bpp: 32, data: await png(gradient(64, 64)) },
  ]);
  assert.deepEqual([largestIcoEntry(pngWins).kind, largestIcoEntry(pngWins).width], ["png", 64]);
});

Deno.test("ico probe: entries outside the file and empty directories are invalid_image", async () => {
  const ico = icoFile([{ width: 16, height: 16, bpp: 32, data: await png(gradient(16, 16)) }]);
  assert.throws(() => largestIcoEntry(ico.subarray(0, ico.length - 5)), isInvalid);
  assert.throws(() => largestIcoEntry(ico.subarray(0, 10)), isInvalid);
  assert.throws(() => largestIcoEntry(new Uint8Array([0, 0, 1, 0, 0, 0])), isInvalid);
});
