import assert from "node:assert/strict";
import { codecSlots, decodeJpegTurbo, jpegScaledSize } from "../codecs/wasm_codecs.ts";
import { decodeSource } from "./source_decode.ts";

const decodeBase64 = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
const FIXTURES = new URL("../../tests/fixtures/", import.meta.url);
const fixture = (name: string) => Deno.readFile(new URL(name, FIXTURES));

// 24×16, a red-to-blue gradient with a lime square in the top-left corner (ImageMagick).
const GRAY =
  "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQDQ4RDgsLEBYQERMUFRUVDA8XGBYUGBIUFRT/wAALCAAQABgBAREA/8QAFwABAAMAAAAAAAAAAAAAAAAAAAYICf/EABcQAQEBAQAAAAAAAAAAAAAAAAAVYmH/2gAIAQEAAD8AsgyUq9KvUMraK2itp//Z";
const PROGRESSIVE =
  "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQDQ4RDgsLEBYQERMUFRUVDA8XGBYUGBIUFRT/2wBDAQMEBAUEBQkFBQkUDQsNFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBT/wgARCAAQABgDAREAAhEBAxEB/8QAFwABAAMAAAAAAAAAAAAAAAAAAAUGB//EABcBAQEBAQAAAAAAAAAAAAAAAAAHCAn/2gAMAwEAAhADEAAAAZ2H5ww619CxXr1FQP/EABUQAQEAAAAAAAAAAAAAAAAAAAAT/9oACAEBAAEFAl11113/xAAWEQEBAQAAAAAAAAAAAAAAAAAAFWH/2gAIAQMBAT8BV9V9V9V9V9f/xAAWEQEBAQAAAAAAAAAAAAAAAAAAFWH/2gAIAQIBAT8BRcRcRcRcRcf/xAAUEAEAAAAAAAAAAAAAAAAAAAAg/9oACAEBAAY/Al//xAAVEAEBAAAAAAAAAAAAAAAAAAAAcf/aAAgBAQABPyFSlKU//9oADAMBAAIAAwAAABC7En//xAAUEQEAAAAAAAAAAAAAAAAAAAAg/9oACAEDAQE/EEAH/8QAFBEBAAAAAAAAAAAAAAAAAAAAIP/aAAgBAgEBPxBAB//EABYQAQEBAAAAAAAAAAAAAAAAAAARIP/aAAgBAQABPxBJOFX/2Q==";
const CMYK =
  "/9j/7gAOQWRvYmUAZAAAAAAC/9sAQwADAgIDAgIDAwMDBAMDBAUIBQUEBAUKBwcGCAwKDAwLCgsLDQ4SEA0OEQ4LCxAWEBETFBUVFQwPFxgWFBgSFBUU/9sAQwEDBAQFBAUJBQUJFA0LDRQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQU/8AAFAgAEAAYBAERAAIRAQMRAQQRAP/EABgAAQADAQAAAAAAAAAAAAAAAAAGBwgJ/8QAHxAAAQIGAwAAAAAAAAAAAAAAAAIYBBdUZJGiARZS/8QAFwEBAQEBAAAAAAAAAAAAAAAAAAgJCv/EAB0RAAEDBQEAAAAAAAAAAAAAAAABBBcCFVFTkRT/2gAOBAEAAhEDEQQAAD8AgRcBo6dUzVHYUe+CGJHa7E6c0XjXBmBzl3sOwo98CR2uxOjxrgOcu9i0ZUwtOnBm3eK8l+xw11pwNjtNRKmFp04F4ryI4a604Gx2molTC06cC8V5EcNdacDY7TU//9k=";
// 4:4:0 (chroma halved vertically only), an uncommon layout.
const SAMPLED_440 =
  "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQDQ4RDgsLEBYQERMUFRUVDA8XGBYUGBIUFRT/2wBDAQMEBAUEBQkFBQkUDQsNFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBT/wAARCAAQABgDARIAAhEBAxEB/8QAFgABAQEAAAAAAAAAAAAAAAAABwYJ/8QAGBAAAwEBAAAAAAAAAAAAAAAAABViAVL/xAAXAQADAQAAAAAAAAAAAAAAAAAAAwcJ/8QAHBEAAQQDAQAAAAAAAAAAAAAAAAUXY6FVo+MY/9oADAMBAAIRAxEAPwC7M2ntDfK6pkNPQgbNJuZ0dhDe50Hj2i2MvFRoW7cliG9zoPHtAy8VA7cln//Z";

const px = (img: { width: number; data: Uint8Array }, x: number, y: number) =>
  Array.from(img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4));
const near = (a: number[], b: number[], tolerance: number) =>
  a.every((v, i) => Math.abs(v - b[i]) <= tolerance);

Deno.test("a JPEG is decoded at the smallest M/8 that still covers the size asked for", () => {
  assert.deepEqual(jpegScaledSize(3640, 2400, { width: 971, height: 640 }), {
    width: 1365,
    height: 900,
  });
  // Exactly 1/2 covers it; one pixel more needs 5/8.
  assert.deepEqual(jpegScaledSize(3640, 2400, { width: 1820, height: 1200 }), {
    width: 1820,
    height: 1200,
  });
  assert.deepEqual(jpegScaledSize(3640, 2400, { width: 1821, height: 1 }), {
    width: 2275,
    height: 1500,
  });
  // Sides round up, as libjpeg's do; nothing is ever enlarged.
  assert.deepEqual(jpegScaledSize(25, 14, { width: 1, height: 1 }), { width: 4, height: 2 });
  assert.deepEqual(jpegScaledSize(640, 480, { width: 2000, height: 10 }), {
    width: 640,
    height: 480,
  });
  assert.deepEqual(jpegScaledSize(640, 480), { width: 640, height: 480 });
});

Deno.test("libjpeg-turbo decodes a large photo in the DCT at the planned size", async () => {
  const bytes = await fixture("large.jpg");
  const [scaled] = await decodeSource(bytes, "jpeg", { atLeast: { width: 971, height: 640 } });
  assert.deepEqual([scaled.width, scaled.height, scaled.delayMs], [1365, 900, 0]);
  assert.equal(scaled.data.length, 1365 * 900 * 4);
  for (let i = 3; i < scaled.data.length; i += 4) assert.equal(scaled.data[i], 255);
  // The same picture as imagescript's decoder sees (at 1/2 and 3/8, compared by mean colour).
  await codecSlots.jpeg.load();
  const half = codecSlots.jpeg.runLoaded((jpeg) => jpeg.decode(bytes, 1820, 1200));
  const mean = (d: Uint8Array, step: number, c: number) => {
    let sum = 0;
    for (let i = c; i < d.length; i += step) sum += d[i];
    return sum / (d.length / step);
  };
  for (let c = 0; c < 3; c++) {
    assert.ok(Math.abs(mean(scaled.data, 4, c) - mean(half.buffer, 3, c)) < 1, `channel ${c}`);
  }
});

Deno.test("grey, progressive and 4:4:0 JPEGs decode to RGBA, full size and scaled", async () => {
  for (const [name, b64] of [["grey", GRAY], ["progressive", PROGRESSIVE], ["440", SAMPLED_440]]) {
    const bytes = decodeBase64(b64);
    const [full] = await decodeSource(bytes, "jpeg");
    assert.deepEqual([full.width, full.height], [24, 16], name);
    const [small] = await decodeSource(bytes, "jpeg", { atLeast: { width: 9, height: 6 } });
    assert.deepEqual([small.width, small.height], [9, 6], name);
    if (name === "grey") {
      const [r, g, b, a] = px(full, 20, 2);
      assert.ok(r === g && g === b && a === 255, `${name}: ${[r, g, b, a]}`);
    } else {
      assert.ok(near(px(full, 2, 2), [0, 255, 0, 255], 8), `${name}: ${px(full, 2, 2)}`);
      assert.ok(near(px(full, 20, 14), [14, 0, 241, 255], 12), `${name}: ${px(full, 20, 14)}`);
    }
  }
});

Deno.test("a CMYK JPEG is left to imagescript's decoder, which converts it as before", async () => {
  const bytes = decodeBase64(CMYK);
  assert.equal(await decodeJpegTurbo(bytes), null);
  const [img] = await decodeSource(bytes, "jpeg", { atLeast: { width: 9, height: 6 } });
  // imagescript scales by 1/2 at most here (12×8 covers 9×6).
  assert.deepEqual([img.width, img.height], [12, 8]);
  for (let i = 3; i < img.data.length; i += 4) assert.equal(img.data[i], 255);
});

Deno.test("a broken JPEG still fails, and the decoder works for the next one", async () => {
  const truncated = await fixture("truncated.jpg");
  await assert.rejects(() => decodeSource(truncated, "jpeg"));
  // A marker libjpeg rejects outright (its error path throws out of the wasm).
  const junk = new Uint8Array([0xff, 0xd8, 0xff, 0xc0, 0, 11, 8, 0, 0, 0, 0, 1, 1, 0x11, 0]);
  await assert.rejects(() => decodeSource(junk, "jpeg"));
  const [img] = await decodeSource(decodeBase64(PROGRESSIVE), "jpeg");
  assert.deepEqual([img.width, img.height], [24, 16]);
});
