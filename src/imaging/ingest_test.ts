import assert from "node:assert/strict";
import exifr from "exifr";
import { AppError, type ErrorCode } from "../../domain/errors.ts";
import { ingest, type Ingested } from "./ingest.ts";
import { inspectRaster } from "./inspect.ts";
import { readWebpHeader } from "./webp_header.ts";
import {
  animatedWebp,
  avif,
  bmpFile,
  bmpFromBmpTs,
  gradient,
  icoDib,
  icoFile,
  infoHeader,
  png,
  webp,
} from "../../tests/support/formats.ts";

const OPTS = {
  limits: { maxPixels: 50_000_000, maxFrames: 300, maxAnimationPixels: 200_000_000 },
  svgMaxBytes: 10 * 1024 * 1024,
};
const fixture = (name: string) => Deno.readFile(`tests/fixtures/${name}`);
const enc = new TextEncoder();
const HTML = enc.encode("<html><script>alert(1)</script></html>");
const join = (...parts: Uint8Array[]) => new Uint8Array(parts.flatMap((p) => [...p]));
const shape = (r: Ingested) => [r.format, r.extension, r.mime, r.width, r.height, r.frames];

async function refused(bytes: Uint8Array, code: ErrorCode, opts = OPTS): Promise<AppError> {
  const started = performance.now();
  try {
    await ingest(bytes, opts);
  } catch (error) {
    assert.ok(error instanceof AppError, String(error));
    assert.equal(error.code, code, error.message);
    assert.ok(performance.now() - started < 3000, "refused in under 3 s");
    return error;
  }
  assert.fail(`expected ${code}`);
}

Deno.test("ingest: WebP stills are kept byte for byte, less trailing bytes", async () => {
  const file = await webp(gradient(30, 20, true));
  const result = await ingest(join(file, HTML), OPTS);
  assert.deepEqual(shape(result), ["webp", "webp", "image/webp", 30, 20, 1]);
  assert.deepEqual(result.bytes, file);
});

Deno.test("ingest: an animated WebP is stored as its first frame", async () => {
  const frame = await webp(gradient(20, 10));
  const result = await ingest(animatedWebp([frame, frame], 20, 10), OPTS);
  assert.deepEqual(shape(result), ["webp", "webp", "image/webp", 20, 10, 1]);
  assert.equal(readWebpHeader(result.bytes).frames, 1);
});

Deno.test("ingest: AVIF kept as uploaded; a header bomb refused before decoding", async () => {
  const file = await avif(gradient(40, 24));
  const result = await ingest(join(file, HTML), OPTS);
  assert.deepEqual(shape(result), ["avif", "avif", "image/avif", 40, 24, 1]);
  assert.deepEqual(result.bytes, file);
  const bomb = file.slice();
  const ispe = bomb.findIndex((_, i) => String.fromCharCode(...bomb.subarray(i, i + 4)) === "ispe");
  new DataView(bomb.buffer).setUint32(ispe + 8, 20_000);
  new DataView(bomb.buffer).setUint32(ispe + 12, 20_000);
  const error = await refused(bomb, "image_too_large");
  assert.match(error.message, /20000x20000/);
  await refused(file.subarray(0, file.length - 40), "invalid_image");
});

Deno.test("ingest: photo.heic becomes a JPEG with its Exif, less GPS, orientation 1", async () => {
  const result = await ingest(await fixture("photo.heic"), OPTS);
  assert.deepEqual(shape(result), ["jpeg", "jpg", "image/jpeg", 512, 512, 1]);
  assert.deepEqual([...result.bytes.subarray(0, 2)], [0xff, 0xd8]);
  assert.equal((await inspectRaster(result.bytes, "jpeg")).width, 512);
  const tags = await exifr.parse(result.bytes, { translateValues: false, gps: true });
  assert.ok(tags, "the HEIC's Exif item travelled");
  assert.ok(tags.Orientation === undefined || tags.Orientation === 1);
  assert.equal(tags.GPSLatitude, undefined);
});

Deno.test("ingest: a truncated or corrupt HEIC is invalid_image, and the next one decodes", async () => {
  const heic = await fixture("photo.heic");
  await refused(heic.subarray(0, 2000), "invalid_image");
  const corrupt = heic.slice();
  corrupt.fill(0, heic.length - 20_000, heic.length - 10_000);
  // libheif conceals some damage; what matters is a decoded image or invalid_image, never more.
  const outcome = await ingest(corrupt, OPTS).catch((e) => e);
  assert.ok(
    outcome instanceof AppError ? outcome.code === "invalid_image" : outcome.width === 512,
    String(outcome),
  );
  assert.equal((await ingest(heic, OPTS)).width, 512);
});

Deno.test("ingest: BMP becomes a PNG of the same pixels", async () => {
  const source = gradient(9, 6);
  const result = await ingest(bmpFromBmpTs(source, 24), OPTS);
  assert.deepEqual(shape(result), ["png", "png", "image/png", 9, 6, 1]);
  assert.equal((await inspectRaster(result.bytes, "png")).width, 9);
});

Deno.test("ingest: a BMP header bomb is refused without allocating", async () => {
  const bomb = bmpFile({ dib: infoHeader(30_000, 30_000, 24), pixels: new Uint8Array(16) });
  await refused(bomb, "image_too_large");
});

Deno.test("ingest: ICO becomes a PNG of its largest image, PNG or BMP entry", async () => {
  const bmpIco = icoFile([
    { width: 16, height: 16, bpp: 32, data: icoDib(gradient(16, 16)) },
    { width: 32, height: 24, bpp: 32, data: icoDib(gradient(32, 24)) },
  ]);
  assert.deepEqual(shape(await ingest(bmpIco, OPTS)), ["png", "png", "image/png", 32, 24, 1]);
  const inner = await png(gradient(48, 48));
  const pngIco = icoFile([{ width: 48, height: 48, bpp: 32, data: inner }]);
  const result = await ingest(pngIco, OPTS);
  assert.deepEqual(shape(result), ["png", "png", "image/png", 48, 48, 1]);
  assert.deepEqual(result.bytes, inner, "a PNG entry is stored as it is");
});

Deno.test("ingest: an ICO hiding a huge DIB behind a 16×16 directory entry is refused", async () => {
  const dib = icoDib(gradient(4, 4));
  new DataView(dib.buffer).setInt32(4, 20_000, true);
  new DataView(dib.buffer).setInt32(8, 40_000, true);
  await refused(icoFile([{ width: 16, height: 16, bpp: 32, data: dib }]), "image_too_large");
});

Deno.test("ingest: SVG sanitised, sized by resvg, limited by svgMaxBytes", async () => {
  const svg = enc.encode(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 150" onload="alert(1)">` +
      `<script>alert(2)</script><rect width="10" height="10"/></svg>`,
  );
  const result = await ingest(svg, OPTS);
  assert.deepEqual(shape(result), ["svg", "svg", "image/svg+xml", 300, 150, 1]);
  assert.doesNotMatch(new TextDecoder().decode(result.bytes), /alert|script|onload/);
  const error = await refused(svg, "file_too_large", { ...OPTS, svgMaxBytes: svg.length - 1 });
  assert.ok(!error.details.register, "registering would not raise the SVG limit");
  await refused(enc.encode(`<svg xmlns="http://www.w3.org/2000/svg"><rect>`), "invalid_image");
  await refused(new Uint8Array([...enc.encode("<svg>"), 0xff, 0xfe]), "invalid_image");
});

Deno.test("ingest: empty, HTML, PDF and zip inputs", async () => {
  assert.equal((await refused(new Uint8Array(0), "invalid_image")).details.field, "file");
  const html = await refused(HTML, "unsupported_format");
  assert.match(html.message, /detected: html/);
  assert.match((await refused(enc.encode("%PDF-1.4\n"), "unsupported_format")).message, /pdf/);
  assert.match((await refused(enc.encode("PK\x03\x04zip"), "unsupported_format")).message, /zip/);
});

Deno.test("ingest: a JPEG polyglot loses its payload; GPS leaves photo-exif.jpg", async () => {
  const jpeg = await fixture("portrait.jpg");
  const result = await ingest(join(jpeg, HTML), OPTS);
  assert.deepEqual(result.bytes, jpeg);
  const exif = await ingest(await fixture("photo-exif.jpg"), OPTS);
  const tags = await exifr.parse(exif.bytes, { gps: true });
  assert.equal(tags.latitude, undefined);
  assert.equal(tags.Copyright, "(c) 2024 Example Photographer");
});
