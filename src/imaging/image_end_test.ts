import assert from "node:assert/strict";
import { gifEnd } from "./gif_header.ts";
import { isoBmffEnd, jpegEnd, pngEnd, riffEnd } from "./image_end.ts";

const fixture = (name: string) => Deno.readFile(`tests/fixtures/${name}`);
const enc = new TextEncoder();
const HTML = enc.encode("<html><body><script>alert(document.cookie)</script></body></html>");
const join = (...parts: Uint8Array[]) => new Uint8Array(parts.flatMap((p) => [...p]));

Deno.test("JPEG: the end is the EOI after the scan, whatever follows", async () => {
  for (const name of ["portrait.jpg", "photo-exif.jpg", "rocket.jpg", "large.jpg"]) {
    const jpeg = await fixture(name);
    assert.equal(jpegEnd(jpeg), jpeg.length, name);
    assert.equal(jpegEnd(join(jpeg, HTML)), jpeg.length, `${name} + HTML`);
    // A second JPEG appended (an MPF gain map, or a smuggled image) goes too.
    assert.equal(jpegEnd(join(jpeg, jpeg)), jpeg.length, `${name} twice`);
  }
});

Deno.test("JPEG: an EOI inside a metadata segment is not the end", async () => {
  const jpeg = await fixture("portrait.jpg");
  const payload = new Uint8Array([0xff, 0xd9, 0xff, 0xd8, 0xff, 0xd9]);
  const app = new Uint8Array([0xff, 0xe5, 0, payload.length + 2]);
  const withApp = join(jpeg.subarray(0, 2), app, payload, jpeg.subarray(2));
  assert.equal(jpegEnd(join(withApp, HTML)), withApp.length);
});

Deno.test("JPEG: truncated or without EOI gives null (the decoder judges)", async () => {
  const jpeg = await fixture("portrait.jpg");
  assert.equal(jpegEnd(jpeg.subarray(0, jpeg.length - 2)), null);
  assert.equal(jpegEnd(await fixture("truncated.jpg")), null);
  assert.equal(jpegEnd(new Uint8Array([0xff, 0xd8])), null);
});

Deno.test("PNG: the end is after IEND's CRC", async () => {
  const png = await fixture("alpha.png");
  assert.equal(pngEnd(png), png.length);
  assert.equal(pngEnd(join(png, HTML)), png.length);
  assert.equal(pngEnd(png.subarray(0, png.length - 12)), null);
});

Deno.test("GIF: the end is after the trailer byte", async () => {
  const gif = await fixture("animated.gif");
  assert.equal(gifEnd(gif), gif.length);
  assert.equal(gifEnd(join(gif, HTML)), gif.length);
});

Deno.test("RIFF: the header's size, tolerating a missing pad byte", () => {
  const riff = (size: number, total: number) => {
    const b = new Uint8Array(total);
    b.set(enc.encode("RIFF"));
    new DataView(b.buffer).setUint32(4, size, true);
    return b;
  };
  assert.equal(riffEnd(riff(20, 28)), 28);
  assert.equal(riffEnd(riff(20, 28 + 100)), 28);
  assert.equal(riffEnd(riff(21, 30 + 5)), 30, "odd size: pad byte counted");
  assert.equal(riffEnd(riff(21, 29)), 29, "odd size at the very end: pad missing");
  assert.equal(riffEnd(riff(40, 28)), null);
});

Deno.test("ISO-BMFF: the last whole top-level box; a payload is no box", () => {
  const box = (type: string, size: number) => {
    const b = new Uint8Array(size);
    new DataView(b.buffer).setUint32(0, size);
    b.set(enc.encode(type), 4);
    return b;
  };
  const file = join(box("ftyp", 24), box("meta", 40), box("mdat", 100));
  assert.equal(isoBmffEnd(file), file.length);
  assert.equal(isoBmffEnd(join(file, HTML)), file.length);
  assert.equal(isoBmffEnd(join(file, new Uint8Array(5))), file.length);
  assert.equal(isoBmffEnd(new Uint8Array(4)), null);
});
