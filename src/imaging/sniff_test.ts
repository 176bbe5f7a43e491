import assert from "node:assert/strict";
import { sniff } from "./sniff.ts";

const FIXTURES = "tests/fixtures/";
const fixture = (name: string) => Deno.readFile(FIXTURES + name);
const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(parts.flatMap((p) => typeof p === "string" ? [...ascii(p)] : p));

Deno.test("sniff: raster fixtures get a format", async () => {
  assert.deepEqual(sniff(await fixture("portrait.jpg")), { format: "jpeg", detected: "jpeg" });
  assert.deepEqual(sniff(await fixture("photo-exif.jpg")), { format: "jpeg", detected: "jpeg" });
  assert.deepEqual(sniff(await fixture("portrait.png")), { format: "png", detected: "png" });
  assert.deepEqual(sniff(await fixture("alpha.png")), { format: "png", detected: "png" });
  assert.deepEqual(sniff(await fixture("animated.gif")), { format: "gif", detected: "gif" });
});

Deno.test("sniff: magic bytes only, so a truncated JPEG is still a JPEG here", async () => {
  assert.deepEqual(sniff(await fixture("truncated.jpg")), { format: "jpeg", detected: "jpeg" });
});

Deno.test("sniff: the HEIC fixture is accepted as heic", async () => {
  assert.deepEqual(sniff(await fixture("photo.heic")), { format: "heic", detected: "heic" });
});

Deno.test("sniff: documents and archives are labelled, format null", () => {
  const cases: [Uint8Array, string][] = [
    [ascii("<!DOCTYPE html><html><body>hi</body></html>"), "html"],
    [new TextEncoder().encode("\ufeff  \n<HTML lang=en>"), "html"],
    [bytes([0xef, 0xbb, 0xbf], "<html>"), "html"],
    [ascii("<script>alert(1)</script>"), "html"],
    [ascii("<!-- a comment --><p>x</p>"), "html"],
    [ascii("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"), "pdf"],
    [bytes("PK", [3, 4, 20, 0, 0, 0, 8, 0]), "zip"],
    [bytes("PK", [5, 6], new Array(18).fill(0)), "zip"],
    [ascii("hello, world\nthis is plain text\n"), "text"],
    [ascii("BMW is a car maker"), "text"],
    [ascii('{"json": true}'), "text"],
    [new TextEncoder().encode("na\u00efve caf\u00e9 \u{1f600}"), "text"],
    [ascii("<?xml version='1.0'?><feed/>"), "xml"],
  ];
  for (const [input, detected] of cases) {
    assert.deepEqual(sniff(input), { format: null, detected }, detected);
  }
});

Deno.test("sniff: the other accepted formats, HEIF mapped to heic", () => {
  const cases: [Uint8Array, string, string][] = [
    [bytes("RIFF", [0x24, 0, 0, 0], "WEBPVP8 "), "webp", "webp"],
    [bytes([0, 0, 0, 0x1c], "ftypavif", [0, 0, 0, 0], "avifmif1miaf"), "avif", "avif"],
    [bytes([0, 0, 0, 0x1c], "ftypmif1", [0, 0, 0, 0], "mif1avifmiaf"), "avif", "avif"],
    [bytes([0, 0, 0, 0x18], "ftypheic", [0, 0, 0, 0], "mif1heic"), "heic", "heic"],
    [bytes([0, 0, 0, 0x18], "ftypmif1", [0, 0, 0, 0], "mif1miaf"), "heif", "heic"],
    [bytes("BM", [0x36, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0, 40, 0, 0, 0]), "bmp", "bmp"],
    [bytes([0, 0, 1, 0, 1, 0, 16, 16]), "ico", "ico"],
    [ascii("<?xml version='1.0'?>\n<svg xmlns='http://www.w3.org/2000/svg'/>"), "svg", "svg"],
    [ascii("<!-- Generator: editor -->\n<svg width='10' height='10'></svg>"), "svg", "svg"],
    [ascii("<svg>"), "svg", "svg"],
  ];
  for (const [input, detected, format] of cases) {
    assert.deepEqual(sniff(input), { format, detected }, detected);
  }
});

Deno.test("sniff: other binary formats are labelled, format null", () => {
  const cases: [Uint8Array, string][] = [
    [bytes([0, 0, 0, 0x18], "ftypisom", [0, 0, 0, 0], "isomiso2"), "mp4"],
    [bytes("II*", [0, 8, 0, 0, 0]), "tiff"],
    [bytes("MM", [0, 42, 0, 0, 0, 8]), "tiff"],
    [bytes([0xff, 0x0a, 0xfa]), "jxl"],
    [bytes("8BPS", [0, 1]), "psd"],
    [bytes([0x1f, 0x8b, 8, 0]), "gzip"],
  ];
  for (const [input, detected] of cases) {
    assert.deepEqual(sniff(input), { format: null, detected }, detected);
  }
});

Deno.test("sniff: empty, short and unknown binary input", () => {
  assert.deepEqual(sniff(new Uint8Array(0)), { format: null, detected: "empty" });
  assert.deepEqual(sniff(new Uint8Array([0xff])), { format: null, detected: "unknown" });
  assert.deepEqual(sniff(new Uint8Array([0xff, 0xd8])), { format: null, detected: "unknown" });
  assert.deepEqual(sniff(bytes("GIF8")), { format: null, detected: "text" });
  assert.deepEqual(sniff(new Uint8Array([0, 1, 2, 3, 4, 5])), {
    format: null,
    detected: "unknown",
  });
});

Deno.test("sniff: the minimum magic is enough; the decoder judges the rest", () => {
  assert.equal(sniff(new Uint8Array([0xff, 0xd8, 0xff])).format, "jpeg");
  assert.equal(sniff(bytes([0x89], "PNG\r\n\x1a\n")).format, "png");
  assert.equal(sniff(bytes("GIF87a")).format, "gif");
});

Deno.test("sniff: a UTF-8 character cut by the look-ahead window is still text", () => {
  const text = new TextEncoder().encode("a".repeat(1023) + "\u00e9 and more");
  assert.deepEqual(sniff(text), { format: null, detected: "text" });
});
