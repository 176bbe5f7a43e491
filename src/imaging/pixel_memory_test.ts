import assert from "node:assert/strict";
import { pixelMemoryBytes } from "./pixel_memory.ts";

const MiB = 2 ** 20;
const size = (n: number) => ({ width: n, height: n });

// Peak RSS growth measured with /proc VmHWM, one job per fresh process (see pixel_memory.ts).
const MEASURED: [string, Parameters<typeof pixelMemoryBytes>[0], number][] = [
  ["ingest PNG 4 MP", { kind: "ingest", format: "png", ...size(2000) }, 57],
  ["ingest PNG 49 MP", { kind: "ingest", format: "png", ...size(7000) }, 570],
  ["ingest JPEG 4 MP", { kind: "ingest", format: "jpeg", ...size(2000) }, 45],
  ["ingest JPEG 49 MP", { kind: "ingest", format: "jpeg", ...size(7000) }, 370],
  ["ingest GIF 4 MP", { kind: "ingest", format: "gif", ...size(2000) }, 42],
  ["ingest WebP 4 MP", { kind: "ingest", format: "webp", ...size(2000) }, 43],
  ["ingest AVIF 4 MP", { kind: "ingest", format: "avif", ...size(2000) }, 103],
  ...([["jpg", 82], ["png", 99], ["webp", 120], ["avif", 202]] as const).map((
    [out, mib],
  ): [string, Parameters<typeof pixelMemoryBytes>[0], number] => [
    `PNG 4 MP to ${out}`,
    {
      kind: "transform",
      format: "png",
      decoded: size(2000),
      output: { ...size(2000), format: out },
    },
    mib,
  ]),
  ["JPEG 4 MP to w=800", {
    kind: "transform",
    format: "jpeg",
    decoded: size(1000),
    output: { ...size(800), format: "jpg" },
  }, 29],
  ["JPEG 49 MP to w=800", {
    kind: "transform",
    format: "jpeg",
    decoded: size(875),
    output: { ...size(800), format: "jpg" },
  }, 26],
  ["AVIF 4 MP to jpg", {
    kind: "transform",
    format: "avif",
    decoded: size(2000),
    output: { ...size(2000), format: "jpg" },
  }, 121],
];

Deno.test("the pixel-memory estimate covers every measured peak, by at most 15%", () => {
  for (const [name, job, mib] of MEASURED) {
    const estimate = pixelMemoryBytes(job) / MiB;
    assert.ok(estimate >= mib, `${name}: estimated ${estimate.toFixed(0)} MiB < ${mib} measured`);
    assert.ok(estimate <= mib * 1.15, `${name}: estimated ${estimate.toFixed(0)} MiB ≫ ${mib}`);
  }
});

Deno.test("every frame of an animation is charged, and a DCT-scaled decode far less", () => {
  const still = pixelMemoryBytes({ kind: "ingest", format: "gif", ...size(1000) });
  const animated = pixelMemoryBytes({ kind: "ingest", format: "gif", ...size(1000), frames: 50 });
  assert.ok(animated >= still + 49 * 4 * 1e6);
  const full = pixelMemoryBytes({
    kind: "transform",
    format: "jpeg",
    decoded: size(7000),
    output: { ...size(800), format: "jpg" },
  });
  const scaled = pixelMemoryBytes({
    kind: "transform",
    format: "jpeg",
    decoded: size(875),
    output: { ...size(800), format: "jpg" },
  });
  assert.ok(scaled * 10 < full);
});
