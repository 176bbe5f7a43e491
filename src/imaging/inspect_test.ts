import assert from "node:assert/strict";
import { AppError, type ErrorCode } from "../../domain/errors.ts";
import { inspectRaster, type RasterInfo } from "./mod.ts";

const FIXTURES = "tests/fixtures/";
const fixture = (name: string) => Deno.readFile(FIXTURES + name);

async function rejects(promise: Promise<unknown>, code: ErrorCode): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof AppError, `expected an AppError, got ${error}`);
    assert.equal(error.code, code, error.message);
    assert.equal(error.details.retryAfter, undefined);
    assert.ok((error.details.hint ?? "").length > 0);
    return error;
  }
  assert.fail(`expected ${code}, but it resolved`);
}

const jpegInfo = (width: number, height: number, orientation = 1): RasterInfo => ({
  format: "jpeg",
  extension: "jpg",
  mime: "image/jpeg",
  width,
  height,
  frames: 1,
  orientation,
});
const pngInfo = (width: number, height: number): RasterInfo => ({
  format: "png",
  extension: "png",
  mime: "image/png",
  width,
  height,
  frames: 1,
  orientation: 1,
});

/** A minimal TIFF-structured EXIF block: IFD0 with only the Orientation tag. */
function exifOrientation(orientation: number, order: "II" | "MM"): Uint8Array {
  const le = order === "II";
  const tiff = new Uint8Array(26);
  const view = new DataView(tiff.buffer);
  tiff.set([order.charCodeAt(0), order.charCodeAt(1)]);
  view.setUint16(2, 42, le);
  view.setUint32(4, 8, le); // IFD0 right after the header
  view.setUint16(8, 1, le); // one entry
  view.setUint16(10, 0x0112, le);
  view.setUint16(12, 3, le); // SHORT
  view.setUint32(14, 1, le);
  view.setUint16(18, orientation, le);
  return tiff;
}

const splice = (into: Uint8Array, at: number, insert: Uint8Array) =>
  new Uint8Array([...into.subarray(0, at), ...insert, ...into.subarray(at)]);

/** The JPEG with an Exif APP1 segment right after SOI. */
function withOrientation(jpeg: Uint8Array, orientation: number, order: "II" | "MM"): Uint8Array {
  const tiff = exifOrientation(orientation, order);
  const exif = [..."Exif\0\0"].map((c) => c.charCodeAt(0));
  const length = 2 + exif.length + tiff.length;
  return splice(
    jpeg,
    2,
    new Uint8Array([0xff, 0xe1, length >> 8, length & 0xff, ...exif, ...tiff]),
  );
}

/** A PNG chunk with its length and CRC. */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set([...type].map((c) => c.charCodeAt(0)), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

function crc32(bytes: Uint8Array): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

/** Signature and a correct IHDR only: what a decompression bomb shows before its data. */
function pngHeader(width: number, height: number): Uint8Array {
  const out = new Uint8Array(33);
  const view = new DataView(out.buffer);
  out.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  view.setUint32(8, 13);
  out.set([0x49, 0x48, 0x44, 0x52], 12); // IHDR
  view.setUint32(16, width);
  view.setUint32(20, height);
  out.set([8, 6, 0, 0, 0], 24); // 8-bit RGBA, no interlace
  view.setUint32(29, crc32(out.subarray(12, 29)));
  return out;
}

Deno.test("inspect: JPEG fixtures", async () => {
  assert.deepEqual(await inspectRaster(await fixture("portrait.jpg"), "jpeg"), jpegInfo(512, 512));
  assert.deepEqual(await inspectRaster(await fixture("rocket.jpg"), "jpeg"), jpegInfo(640, 427));
});

Deno.test("inspect: PNG fixtures, RGB and RGBA", async () => {
  assert.deepEqual(await inspectRaster(await fixture("portrait.png"), "png"), pngInfo(512, 512));
  assert.deepEqual(await inspectRaster(await fixture("transparent.png"), "png"), pngInfo(500, 500));
  assert.deepEqual(await inspectRaster(await fixture("alpha.png"), "png"), pngInfo(400, 300));
});

Deno.test("inspect: photo-exif.jpg reports EXIF orientation 6", async () => {
  // Square, so the swap is invisible here; the synthetic cases below prove it.
  assert.deepEqual(
    await inspectRaster(await fixture("photo-exif.jpg"), "jpeg"),
    jpegInfo(512, 512, 6),
  );
});

Deno.test("inspect: orientations 5-8 swap the displayed width and height", async () => {
  const rocket = await fixture("rocket.jpg");
  for (const order of ["II", "MM"] as const) {
    for (const orientation of [1, 2, 3, 4]) {
      const info = await inspectRaster(withOrientation(rocket, orientation, order), "jpeg");
      assert.deepEqual(info, jpegInfo(640, 427, orientation), `${order} ${orientation}`);
    }
    for (const orientation of [5, 6, 7, 8]) {
      const info = await inspectRaster(withOrientation(rocket, orientation, order), "jpeg");
      assert.deepEqual(info, jpegInfo(427, 640, orientation), `${order} ${orientation}`);
    }
  }
});

Deno.test("inspect: a PNG eXIf chunk orients the PNG too", async () => {
  const png = splice(await fixture("alpha.png"), 33, chunk("eXIf", exifOrientation(6, "MM")));
  assert.deepEqual(await inspectRaster(png, "png"), { ...pngInfo(300, 400), orientation: 6 });
});

Deno.test("inspect: an out-of-range orientation value counts as 1", async () => {
  const info = await inspectRaster(withOrientation(await fixture("rocket.jpg"), 9, "MM"), "jpeg");
  assert.deepEqual(info, jpegInfo(640, 427, 1));
});

Deno.test("inspect: animated GIF decodes every frame", async () => {
  assert.deepEqual(await inspectRaster(await fixture("animated.gif"), "gif"), {
    format: "gif",
    extension: "gif",
    mime: "image/gif",
    width: 14,
    height: 25,
    frames: 24,
    orientation: 1,
  });
});

Deno.test("inspect: truncated.jpg is invalid_image", async () => {
  const error = await rejects(
    inspectRaster(await fixture("truncated.jpg"), "jpeg"),
    "invalid_image",
  );
  assert.match(error.message, /JPEG/);
});

Deno.test("inspect: a JPEG cut inside its scan data is invalid_image", async () => {
  const jpeg = await fixture("portrait.jpg");
  await rejects(inspectRaster(jpeg.subarray(0, jpeg.length >> 1), "jpeg"), "invalid_image");
  await rejects(inspectRaster(jpeg.subarray(0, jpeg.length - 2), "jpeg"), "invalid_image");
});

Deno.test("inspect: a wasm trap is wrapped, and the next decode still works", async () => {
  const jpeg = (await fixture("portrait.jpg")).slice();
  const scan = jpeg.findIndex((b, i) => b === 0xff && jpeg[i + 1] === 0xda);
  jpeg.fill(0xff, scan + 20, scan + 28); // makes imagescript's decoder panic: "unreachable"
  const error = await rejects(inspectRaster(jpeg, "jpeg"), "invalid_image");
  assert.ok(error.cause instanceof WebAssembly.RuntimeError, String(error.cause));
  const info = await inspectRaster(await fixture("portrait.jpg"), "jpeg");
  assert.deepEqual(info, jpegInfo(512, 512));
});

Deno.test("inspect: PNG signature followed by garbage is invalid_image", async () => {
  const garbage = new Uint8Array(200).map((_, i) => (i * 131 + 7) & 0xff);
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...garbage]);
  await rejects(inspectRaster(png, "png"), "invalid_image");
});

Deno.test("inspect: a valid PNG header with no image data is invalid_image", async () => {
  await rejects(inspectRaster(pngHeader(16, 16), "png"), "invalid_image");
});

Deno.test("inspect: PNG with corrupt or truncated image data is invalid_image", async () => {
  const png = await fixture("alpha.png");
  const corrupt = png.slice();
  corrupt[corrupt.length >> 1] ^= 0xff; // caught by the chunk CRC or zlib
  await rejects(inspectRaster(corrupt, "png"), "invalid_image");
  await rejects(inspectRaster(png.subarray(0, png.length >> 1), "png"), "invalid_image");
});

Deno.test("inspect: a truncated GIF is invalid_image", async () => {
  const gif = await fixture("animated.gif");
  await rejects(inspectRaster(gif.subarray(0, gif.length >> 1), "gif"), "invalid_image");
  await rejects(inspectRaster(gif.subarray(0, 12), "gif"), "invalid_image");
});

Deno.test("inspect: a GIF whose frame data is corrupt is invalid_image", async () => {
  const gif = await fixture("animated.gif");
  const lzw = 818; // the first frame's LZW minimum code size, after its descriptor
  assert.equal(gif[lzw], 8);
  // Both pass the block walk; the wasm decoder fails once with an Error, once with a trap.
  const badCodeSize = gif.slice();
  badCodeSize[lzw] = 12;
  const badCodes = gif.slice().fill(0xff, lzw + 2, lzw + 10);
  for (const corrupt of [badCodeSize, badCodes]) {
    const error = await rejects(inspectRaster(corrupt, "gif"), "invalid_image");
    assert.ok(error.cause !== undefined);
  }
  assert.equal((await inspectRaster(gif, "gif")).frames, 24);
});

Deno.test("inspect: bytes of another format are invalid_image", async () => {
  const png = await fixture("alpha.png");
  await rejects(inspectRaster(png, "jpeg"), "invalid_image");
  await rejects(inspectRaster(png, "gif"), "invalid_image");
  await rejects(inspectRaster(await fixture("portrait.jpg"), "png"), "invalid_image");
});

Deno.test("inspect: empty input is invalid_image for every format", async () => {
  for (const format of ["jpeg", "png", "gif"] as const) {
    await rejects(inspectRaster(new Uint8Array(0), format), "invalid_image");
  }
});

Deno.test("inspect: zero width in the header is invalid_image", async () => {
  await rejects(inspectRaster(pngHeader(0, 16), "png"), "invalid_image");
});

Deno.test("inspect: a PNG header claiming 30000x30000 is refused before decoding", async () => {
  const started = performance.now();
  const error = await rejects(inspectRaster(pngHeader(30000, 30000), "png"), "image_too_large");
  assert.ok(performance.now() - started < 100, "refused from the header, without allocating");
  assert.match(error.message, /30000x30000/);
  assert.match(error.message, /50 megapixels/);
  assert.deepEqual(error.details.extra, { width: 30000, height: 30000, limit: 50_000_000 });
});

Deno.test("inspect: maxPixels is configurable", async () => {
  const jpeg = await fixture("portrait.jpg");
  await rejects(inspectRaster(jpeg, "jpeg", { maxPixels: 512 * 512 - 1 }), "image_too_large");
  assert.equal((await inspectRaster(jpeg, "jpeg", { maxPixels: 512 * 512 })).width, 512);
});

Deno.test("inspect: frame limits for animations", async () => {
  const gif = await fixture("animated.gif");
  const frames = await rejects(inspectRaster(gif, "gif", { maxFrames: 23 }), "image_too_large");
  assert.match(frames.message, /24 frames/);
  const pixels = 24 * 14 * 25;
  await rejects(inspectRaster(gif, "gif", { maxAnimationPixels: pixels - 1 }), "image_too_large");
  const info = await inspectRaster(gif, "gif", { maxFrames: 24, maxAnimationPixels: pixels });
  assert.equal(info.frames, 24);
});

Deno.test("inspect: an explicitly undefined limit keeps the default", async () => {
  const bomb = pngHeader(30000, 30000);
  await rejects(inspectRaster(bomb, "png", { maxPixels: undefined }), "image_too_large");
});
