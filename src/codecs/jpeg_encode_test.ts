import assert from "node:assert/strict";
import type { Rgba } from "./rgba.ts";
import { codecSlots, decodeJpegTurbo } from "./wasm_codecs.ts";
import { encodeJpeg, type Subsampling } from "./jpeg_encode.ts";
import { image, testCard } from "../../tests/support/test_pixels.ts";

/** PSNR over R, G and B; `bpp` is the decoded buffer's bytes per pixel. */
function psnr(a: Rgba, b: Uint8Array, bpp: number): number {
  let sum = 0;
  for (let i = 0, j = 0; i < a.data.length; i += 4, j += bpp) {
    for (let c = 0; c < 3; c++) sum += (a.data[i + c] - b[j + c]) ** 2;
  }
  return 10 * Math.log10((255 * 255) / (sum / (a.width * a.height * 3)));
}

/** Both decoders the service has must read what the encoder writes, to the same picture. */
async function decodedBoth(jpeg: Uint8Array) {
  const turbo = await decodeJpegTurbo(jpeg);
  assert.ok(turbo, "libjpeg-turbo decodes it");
  await codecSlots.jpeg.load();
  const other = codecSlots.jpeg.runLoaded((j) => j.decode(jpeg));
  return { turbo, other };
}

/** Marker segments before the scan: marker and payload. */
function segments(jpeg: Uint8Array): { marker: number; body: Uint8Array }[] {
  const out = [];
  let o = 2;
  while (jpeg[o] === 0xff && jpeg[o + 1] !== 0xda) {
    const length = (jpeg[o + 2] << 8) | jpeg[o + 3];
    out.push({ marker: jpeg[o + 1], body: jpeg.subarray(o + 4, o + 2 + length) });
    o += 2 + length;
  }
  return out;
}

/** Smooth colour waves: what a photo mostly is, and easy on subsampled chroma. */
const photo = (w: number, h: number) =>
  image(w, h, (x, y) => [
    128 + 100 * Math.sin(x / 9),
    128 + 100 * Math.cos(y / 7),
    128 + 80 * Math.sin((x + y) / 11),
    255,
  ]);

Deno.test("every size decodes back close to the input, in both decoders, for both subsamplings", async () => {
  for (const subsampling of ["4:2:0", "4:2:2"] as Subsampling[]) {
    for (const [w, h] of [[1, 1], [7, 3], [17, 9], [33, 31], [160, 120], [971, 640]]) {
      for (
        const [name, img, floor] of [["photo", photo(w, h), 35], [
          "card",
          testCard(w, h),
          19,
        ]] as const
      ) {
        const what = `${name} ${w}x${h} ${subsampling}`;
        const { turbo, other } = await decodedBoth(encodeJpeg(img, 90, subsampling));
        assert.deepEqual(
          [turbo.width, turbo.height, other.width, other.height],
          [w, h, w, h],
          what,
        );
        // The test card changes colour every pixel or two: at a few pixels' size that is all
        // edge, which subsampled chroma cannot hold (libjpeg scores the same there).
        assert.ok(psnr(img, turbo.data, 4) > floor, what);
        assert.ok(psnr(img, other.buffer, 3) > floor, `${what} (imagescript)`);
      }
    }
  }
});

Deno.test("a flat colour comes back within one level, a smooth photo-like image far above 35 dB", async () => {
  const flat = image(40, 24, () => [90, 140, 200, 255]);
  const { turbo } = await decodedBoth(encodeJpeg(flat, 80));
  for (let i = 0; i < turbo.data.length; i += 4) {
    const got = [turbo.data[i], turbo.data[i + 1], turbo.data[i + 2]];
    assert.ok(got.every((v, c) => Math.abs(v - [90, 140, 200][c]) <= 1), String(got));
  }
  const smooth = image(256, 192, (x, y) => [
    128 + 100 * Math.sin(x / 20),
    128 + 100 * Math.cos(y / 15),
    (x + y) / 2,
    255,
  ]);
  const jpeg = encodeJpeg(smooth, 80);
  assert.ok(psnr(smooth, (await decodedBoth(jpeg)).turbo.data, 4) > 35);
});

Deno.test("higher quality costs bytes and buys fidelity; alpha is ignored", async () => {
  const card = testCard(320, 240);
  let lastSize = 0, lastPsnr = 0;
  for (const q of [30, 60, 80, 95]) {
    const jpeg = encodeJpeg(card, q);
    const quality = psnr(card, (await decodedBoth(jpeg)).turbo.data, 4);
    assert.ok(jpeg.length > lastSize && quality > lastPsnr, `quality ${q}`);
    lastSize = jpeg.length;
    lastPsnr = quality;
  }
  const seeThrough = { ...card, data: card.data.map((v, i) => (i % 4 === 3 ? 0 : v)) };
  assert.deepEqual(encodeJpeg(seeThrough, 80), encodeJpeg(card, 80));
});

Deno.test("the same pixels and quality give the same bytes", () => {
  const card = testCard(301, 211);
  const a = encodeJpeg(card, 80);
  encodeJpeg(testCard(64, 64), 50); // shared scratch state must not leak between calls
  assert.deepEqual(encodeJpeg({ ...card, data: card.data.slice() }, 80), a);
});

Deno.test("the stream is baseline JFIF with libjpeg's tables and 16-bit Huffman codes at most", () => {
  const jpeg = encodeJpeg(testCard(64, 48), 50);
  assert.deepEqual([jpeg[0], jpeg[1], jpeg.at(-2), jpeg.at(-1)], [0xff, 0xd8, 0xff, 0xd9]);
  const segs = segments(jpeg);
  assert.deepEqual(segs.map((s) => s.marker), [0xe0, 0xdb, 0xc0, 0xc4]);
  assert.deepEqual(Array.from(segs[0].body.subarray(0, 5)), [0x4a, 0x46, 0x49, 0x46, 0]);
  // Quality 50 is the Annex K tables themselves; the DQT holds them in zigzag order.
  const dqt = segs[1].body;
  assert.deepEqual([dqt[0], ...dqt.subarray(1, 9)], [0, 16, 11, 12, 14, 12, 10, 16, 14]);
  assert.deepEqual([dqt[65], ...dqt.subarray(66, 70)], [1, 17, 18, 18, 24]);
  // SOF0: 8 bits, 48×64, Y sampled 2×2 with table 0, Cb and Cr 1×1 with table 1.
  assert.deepEqual(
    Array.from(segs[2].body),
    [8, 0, 48, 0, 64, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1],
  );
  const dht = segs[3].body;
  for (let o = 0, tables = 0; o < dht.length; tables++) {
    assert.ok(tables < 4);
    const counts = dht.subarray(o + 1, o + 17);
    const n = counts.reduce((a, b) => a + b, 0);
    // Kraft: the codes leave at least one all-ones code unused.
    const kraft = counts.reduce((sum, c, i) => sum + c / 2 ** (i + 1), 0);
    assert.ok(n > 0 && kraft < 1, `table at ${o}`);
    o += 17 + n;
  }
});

Deno.test("the extremes of quality and content still make valid baseline JPEGs", async () => {
  let seed = 7;
  const noise = image(64, 40, () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return [seed >>> 24, (seed >>> 16) & 255, (seed >>> 8) & 255, 255];
  });
  const checker = image(48, 48, (x, y) => ((x + y) % 2 ? [255, 255, 255, 255] : [0, 0, 0, 255]));
  const black = image(16, 16, () => [0, 0, 0, 255]);
  for (const img of [noise, checker, black]) {
    for (const q of [1, 100]) {
      const { turbo } = await decodedBoth(encodeJpeg(img, q));
      assert.deepEqual([turbo.width, turbo.height], [img.width, img.height]);
      if (q === 100 && img !== noise) assert.ok(psnr(img, turbo.data, 4) > 30, `q${q}`);
    }
  }
});
