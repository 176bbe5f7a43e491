import assert from "node:assert/strict";
import { jpegSegments } from "./jpeg_segments.ts";

const SOI = [0xff, 0xd8];
const app = (
  marker: number,
  ...payload: number[]
) => [0xff, marker, 0, payload.length + 2, ...payload];
const SCAN = [0xff, 0xda, 0, 2, 0x12, 0x34, 0xff, 0xd9];

Deno.test("segments up to the first scan, by marker, start and end", () => {
  const jpeg = new Uint8Array([...SOI, ...app(0xe0, 1, 2), ...app(0xe1, 3), ...SCAN]);
  assert.deepEqual(jpegSegments(jpeg), [
    { marker: 0xe0, start: 2, end: 8 },
    { marker: 0xe1, start: 8, end: 13 },
  ]);
});

Deno.test("fill bytes, TEM and RST markers are stepped over", () => {
  const jpeg = new Uint8Array([
    ...SOI,
    0xff,
    0xff,
    0xff,
    0x01,
    0xff,
    0xd3,
    ...app(0xe1, 7),
    ...SCAN,
  ]);
  assert.deepEqual(jpegSegments(jpeg), [{ marker: 0xe1, start: 8, end: 13 }]);
});

Deno.test("the walk stops quietly at EOI, a non-marker or a segment past the end", () => {
  const first = app(0xe0, 1);
  assert.equal(jpegSegments(new Uint8Array([...SOI, 0xff, 0xd9, ...app(0xe1, 1)])).length, 0);
  assert.deepEqual(jpegSegments(new Uint8Array([...SOI, ...first, 0x00, ...app(0xe1, 1)])), [
    { marker: 0xe0, start: 2, end: 7 },
  ]);
  const overlong = new Uint8Array([...SOI, ...first, 0xff, 0xe1, 0x10, 0x00, 1, 2]);
  assert.deepEqual(jpegSegments(overlong), [{ marker: 0xe0, start: 2, end: 7 }]);
  assert.deepEqual(jpegSegments(new Uint8Array(SOI)), []);
});
