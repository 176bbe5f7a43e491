import assert from "node:assert/strict";
import exifr from "exifr";
import { stripGpsInPlace } from "./exif_gps.ts";
import { inspectRaster } from "./inspect.ts";
import { crc32, stripJpegGps, stripPngGps, stripWebpGps, withoutXmpGps } from "./strip_gps.ts";

const fixture = (name: string) => Deno.readFile(`tests/fixtures/${name}`);
const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const tags = (bytes: Uint8Array) =>
  exifr.parse(bytes, { tiff: true, gps: true, translateValues: false, icc: false });

/**
 * A TIFF block: IFD0 = Make, GPSInfo, Copyright (in that tag order), a next-IFD pointer to an
 * IFD1 with one entry; the GPS IFD holds LatitudeRef "N" and Latitude as three rationals.
 */
function tiffWithGps(order: "II" | "MM"): Uint8Array {
  const le = order === "II";
  const b = new Uint8Array(200);
  const v = new DataView(b.buffer);
  b.set(ascii(order));
  v.setUint16(2, 42, le);
  v.setUint32(4, 8, le);
  const entry = (at: number, tag: number, type: number, count: number, value: number) => {
    v.setUint16(at, tag, le);
    v.setUint16(at + 2, type, le);
    v.setUint32(at + 4, count, le);
    if (type === 2 && count <= 4) b.set(ascii("N\0"), at + 8);
    else v.setUint32(at + 8, value, le);
  };
  v.setUint16(8, 3, le);
  entry(10, 0x010f, 2, 6, 120); // Make -> "Canon\0" at 120
  entry(22, 0x8825, 4, 1, 60); // GPS IFD at 60
  entry(34, 0x8298, 2, 10, 130); // Copyright -> "(c) Tests\0" at 130
  v.setUint32(46, 50, le); // IFD1 at 50
  v.setUint16(50, 0, le); // IFD1: no entries (keeps the test about the pointer only)
  v.setUint16(60, 2, le);
  entry(62, 0x0001, 2, 2, 0); // GPSLatitudeRef "N"
  entry(74, 0x0002, 5, 3, 150); // GPSLatitude -> 3 rationals at 150
  b.set(ascii("Canon\0"), 120);
  b.set(ascii("(c) Tests\0"), 130);
  for (let i = 0; i < 6; i++) v.setUint32(150 + i * 4, [28, 1, 34, 1, 1956, 100][i], le);
  return b;
}

const readU16 = (b: Uint8Array, o: number, le: boolean) => new DataView(b.buffer).getUint16(o, le);
const readU32 = (b: Uint8Array, o: number, le: boolean) => new DataView(b.buffer).getUint32(o, le);

for (const order of ["II", "MM"] as const) {
  Deno.test(`exif gps (${order}): pointer and IFD gone, other tags and offsets intact`, () => {
    const le = order === "II";
    const tiff = tiffWithGps(order);
    assert.equal(stripGpsInPlace(tiff), true);
    assert.equal(tiff.length, 200);
    assert.equal(readU16(tiff, 8, le), 2, "IFD0 has one entry fewer");
    assert.deepEqual([readU16(tiff, 10, le), readU16(tiff, 22, le)], [0x010f, 0x8298]);
    assert.equal(readU32(tiff, 34, le), 50, "the next-IFD pointer moved up with the entries");
    assert.deepEqual([...tiff.subarray(38, 50)], new Array(12).fill(0), "freed slot zeroed");
    assert.deepEqual([...tiff.subarray(60, 90)], new Array(30).fill(0), "GPS IFD zeroed");
    assert.deepEqual([...tiff.subarray(150, 174)], new Array(24).fill(0), "GPS values zeroed");
    assert.equal(new TextDecoder().decode(tiff.subarray(130, 139)), "(c) Tests");
    assert.equal(stripGpsInPlace(tiff), false, "a second pass finds nothing");
  });
}

Deno.test("exif gps: blocks without GPS, or malformed, are left alone and never throw", () => {
  const noGps = tiffWithGps("II");
  new DataView(noGps.buffer).setUint16(22, 0x0110, true); // GPSInfo becomes Model
  const before = noGps.slice();
  assert.equal(stripGpsInPlace(noGps), false);
  assert.deepEqual(noGps, before);
  for (const bad of [new Uint8Array(0), ascii("II*\0"), ascii("XX*\0\x08\0\0\0")]) {
    assert.equal(stripGpsInPlace(bad.slice()), false);
  }
  const truncated = tiffWithGps("MM").subarray(0, 30).slice(); // pointer present, IFD cut off
  assert.doesNotThrow(() => stripGpsInPlace(truncated));
  for (let n = 0; n < 200; n += 7) {
    assert.doesNotThrow(() => stripGpsInPlace(tiffWithGps("II").subarray(0, n)));
  }
});

Deno.test("photo-exif.jpg: GPS removed, Copyright, Artist, Make and Orientation kept", async () => {
  const original = await fixture("photo-exif.jpg");
  const before = await tags(original);
  assert.ok(before.GPSLatitude, "the fixture carries GPS");
  const stripped = stripJpegGps(original);
  const after = await tags(stripped);
  for (const key of Object.keys(after)) assert.doesNotMatch(key, /^GPS|latitude|longitude/i);
  for (const key of ["Copyright", "Artist", "Make", "Model", "Orientation", "DateTimeOriginal"]) {
    assert.deepEqual(after[key], before[key], key);
  }
  assert.equal(stripped.length, original.length, "rewritten at the same length");
  assert.equal((await tags(original)).GPSLatitude.length, 3, "the input is not modified");
  assert.equal((await inspectRaster(stripped, "jpeg")).orientation, 6);
});

Deno.test("JPEG without GPS comes back as the same array", async () => {
  const jpeg = await fixture("portrait.jpg");
  assert.equal(stripJpegGps(jpeg), jpeg);
});

const XMP = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description
 xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"
 exif:GPSLatitude="28,34.326N" exif:GPSLongitude='80,38.88W' dc:format="image/jpeg">
<exif:GPSAltitude>3/1</exif:GPSAltitude><exif:GPSVersionID/>
<dc:rights><rdf:Alt><rdf:li xml:lang="x-default">(c) Tests</rdf:li></rdf:Alt></dc:rights>
</rdf:Description></rdf:RDF></x:xmpmeta>`;

Deno.test("XMP: GPS properties go as attributes and as elements; rights stay", () => {
  const kept = withoutXmpGps(XMP);
  assert.doesNotMatch(kept, /GPS/);
  assert.match(kept, /dc:format="image\/jpeg"/);
  assert.match(kept, /\(c\) Tests/);
});

Deno.test("JPEG with an XMP packet: the segment shrinks and the file still decodes", async () => {
  const jpeg = await fixture("portrait.jpg");
  const body = ascii("http://ns.adobe.com/xap/1.0/\0" + XMP);
  const segment = new Uint8Array([0xff, 0xe1, (body.length + 2) >> 8, (body.length + 2) & 0xff]);
  const withXmp = new Uint8Array([
    ...jpeg.subarray(0, 2),
    ...segment,
    ...body,
    ...jpeg.subarray(2),
  ]);
  const stripped = stripJpegGps(withXmp);
  const text = new TextDecoder().decode(stripped.subarray(0, 2000));
  assert.doesNotMatch(text, /GPS/);
  assert.match(text, /\(c\) Tests/);
  const length = (stripped[4] << 8) | stripped[5];
  assert.equal(stripped[6 + length - 2], 0xff, "the next marker follows the rewritten segment");
  assert.equal((await inspectRaster(stripped, "jpeg")).width, 512);
});

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, data.length);
  out.set(ascii(type), 4);
  out.set(data, 8);
  v.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

Deno.test("PNG eXIf: GPS removed, CRC recomputed, the PNG still decodes", async () => {
  const png = await fixture("alpha.png");
  const chunk = pngChunk("eXIf", tiffWithGps("MM"));
  const withExif = new Uint8Array([...png.subarray(0, 33), ...chunk, ...png.subarray(33)]);
  const stripped = stripPngGps(withExif);
  const data = stripped.subarray(41, 241);
  assert.equal(new DataView(data.buffer, data.byteOffset).getUint16(8), 2);
  const crc = new DataView(stripped.buffer).getUint32(241);
  assert.equal(crc, crc32(stripped.subarray(37, 241)));
  assert.equal((await inspectRaster(stripped, "png")).width, 400);
  assert.equal(stripPngGps(png), png, "no eXIf: same array");
});

Deno.test("WebP EXIF chunk: GPS removed in place, with or without the Exif prefix", () => {
  for (const prefix of ["", "Exif\0\0"]) {
    const exif = new Uint8Array([...ascii(prefix), ...tiffWithGps("II")]);
    const head = ascii("RIFF\0\0\0\0WEBPEXIF");
    const webp = new Uint8Array([...head, ...[exif.length, 0, 0, 0], ...exif]);
    const stripped = stripWebpGps(webp);
    assert.notEqual(stripped, webp);
    assert.equal(new DataView(stripped.buffer).getUint16(20 + prefix.length + 8, true), 2);
  }
});
