import assert from "node:assert/strict";
import { AppError } from "../../domain/errors.ts";
import { decodeBmp } from "./bmp_decode.ts";
import { readBmpHeader } from "./bmp_header.ts";
import { bmpFile, bmpFromBmpTs, gradient, infoHeader } from "../../tests/support/formats.ts";

const pixel = (
  d: Uint8Array | Uint8ClampedArray,
  w: number,
  x: number,
  y: number,
) => [...d.subarray((y * w + x) * 4, (y * w + x) * 4 + 4)];

Deno.test("bmp: bmp-ts's 24- and 32-bit files decode to the source pixels, opaque", () => {
  const source = gradient(7, 5); // odd width: row padding is exercised
  for (const bits of [24, 32] as const) {
    const decoded = decodeBmp(bmpFromBmpTs(source, bits));
    assert.deepEqual([decoded.width, decoded.height], [7, 5]);
    for (let i = 0; i < source.data.length; i += 4) {
      const expected = [...source.data.subarray(i, i + 3), 255];
      assert.deepEqual([...decoded.data.subarray(i, i + 4)], expected, `${bits} bits, byte ${i}`);
    }
  }
});

Deno.test("bmp: 32 bits with real alpha keeps it; an all-zero alpha plane means opaque", () => {
  const bgra = (a: number) => new Uint8Array([10, 20, 30, a, 40, 50, 60, a]);
  const withAlpha = decodeBmp(bmpFile({ dib: infoHeader(2, 1, 32), pixels: bgra(128) }));
  assert.deepEqual(pixel(withAlpha.data, 2, 1, 0), [60, 50, 40, 128]);
  const unused = decodeBmp(bmpFile({ dib: infoHeader(2, 1, 32), pixels: bgra(0) }));
  assert.deepEqual(pixel(unused.data, 2, 0, 0), [30, 20, 10, 255]);
});

Deno.test("bmp: negative height means top-down rows", () => {
  const rows = new Uint8Array([0, 0, 255, 0, 0, 255, 0, 0]); // red row, then green row (padded)
  const topDown = decodeBmp(bmpFile({ dib: infoHeader(1, -2, 24), pixels: rows }));
  assert.deepEqual(pixel(topDown.data, 1, 0, 0), [255, 0, 0, 255]);
  const bottomUp = decodeBmp(bmpFile({ dib: infoHeader(1, 2, 24), pixels: rows }));
  assert.deepEqual(pixel(bottomUp.data, 1, 0, 0), [0, 255, 0, 255]);
});

Deno.test("bmp: 1-, 4- and 8-bit palettes", () => {
  const palette = [0, 0, 255, 0, 255, 0, 0, 0]; // index 0 red, 1 blue (BGRX)
  const one = decodeBmp(
    bmpFile({
      dib: infoHeader(3, 1, 1),
      extra: palette,
      pixels: new Uint8Array([0b01000000, 0, 0, 0]),
    }),
  );
  assert.deepEqual([pixel(one.data, 3, 0, 0), pixel(one.data, 3, 1, 0)], [[255, 0, 0, 255], [
    0,
    0,
    255,
    255,
  ]]);
  const four = decodeBmp(
    bmpFile({ dib: infoHeader(2, 1, 4), extra: palette, pixels: new Uint8Array([0x10, 0, 0, 0]) }),
  );
  assert.deepEqual(pixel(four.data, 2, 0, 0), [0, 0, 255, 255]);
  const eight = decodeBmp(
    bmpFile({ dib: infoHeader(2, 1, 8), extra: palette, pixels: new Uint8Array([1, 7, 0, 0]) }),
  );
  assert.deepEqual(pixel(eight.data, 2, 0, 0), [0, 0, 255, 255]);
  assert.deepEqual(pixel(eight.data, 2, 1, 0), [0, 0, 0, 255], "index past the palette: black");
});

Deno.test("bmp: 16 bits, default 5-5-5 and 5-6-5 bit fields", () => {
  const white555 = decodeBmp(
    bmpFile({ dib: infoHeader(1, 1, 16), pixels: new Uint8Array([0xff, 0x7f, 0, 0]) }),
  );
  assert.deepEqual(pixel(white555.data, 1, 0, 0), [255, 255, 255, 255]);
  const masks = [0x00, 0xf8, 0, 0, 0xe0, 0x07, 0, 0, 0x1f, 0, 0, 0]; // 5-6-5
  const green = decodeBmp(
    bmpFile({
      dib: infoHeader(1, 1, 16, 3),
      extra: masks,
      pixels: new Uint8Array([0xe0, 0x07, 0, 0]),
    }),
  );
  assert.deepEqual(pixel(green.data, 1, 0, 0), [0, 255, 0, 255]);
});

Deno.test("bmp: RLE8 with a delta; skipped pixels are transparent", () => {
  const palette = [0, 0, 255, 0, 0, 255, 0, 0]; // 0 red, 1 green
  // Bottom row: two red, end of line. Top row: delta right 1, one green, end of bitmap.
  const rle = new Uint8Array([2, 0, 0, 0, 0, 2, 1, 0, 1, 1, 0, 1]);
  const img = decodeBmp(bmpFile({ dib: infoHeader(3, 2, 8, 1), extra: palette, pixels: rle }));
  assert.deepEqual(pixel(img.data, 3, 0, 1), [255, 0, 0, 255]);
  assert.deepEqual(pixel(img.data, 3, 1, 0), [0, 255, 0, 255]);
  assert.deepEqual(pixel(img.data, 3, 0, 0), [0, 0, 0, 0]);
  const noEnd = bmpFile({
    dib: infoHeader(3, 2, 8, 1),
    extra: palette,
    pixels: rle.subarray(0, 8),
  });
  assert.throws(() => decodeBmp(noEnd), (e) => e instanceof AppError && e.code === "invalid_image");
});

Deno.test("bmp: truncated pixel data and impossible headers are invalid_image", () => {
  const isInvalid = (e: unknown) => e instanceof AppError && e.code === "invalid_image";
  const full = bmpFromBmpTs(gradient(8, 8), 24);
  assert.throws(() => decodeBmp(full.subarray(0, full.length - 10)), isInvalid);
  assert.throws(() => readBmpHeader(full.subarray(0, 20)), isInvalid);
  assert.throws(
    () => readBmpHeader(bmpFile({ dib: infoHeader(0, 8, 24), pixels: new Uint8Array(4) })),
    isInvalid,
  );
  assert.throws(
    () => readBmpHeader(bmpFile({ dib: infoHeader(8, 8, 7), pixels: new Uint8Array(4) })),
    isInvalid,
  );
  // JPEG-in-BMP (compression 4) is not something ingest decodes.
  assert.throws(
    () => readBmpHeader(bmpFile({ dib: infoHeader(8, 8, 24, 4), pixels: new Uint8Array(4) })),
    /compression/,
  );
});

Deno.test("bmp: the header alone gives the size, before any pixel is allocated", () => {
  const header = readBmpHeader(
    bmpFile({ dib: infoHeader(60000, -60000, 24), pixels: new Uint8Array(4) }),
  );
  assert.deepEqual([header.width, header.height, header.topDown], [60000, 60000, true]);
});
