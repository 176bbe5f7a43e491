/**
 * Issue 13: hostile SVGs against a running server. Each bomb is uploaded over loopback while
 * /healthz is polled; the figures are the time to the answer and the slowest /healthz meanwhile.
 * Then the estimate is set against resvg's measured render time on a few admitted drawings, the
 * calibration behind src/imaging/svg_cost.ts.
 */
import { checkSvgRender } from "../src/imaging/svg_budget.ts";
import { loadResvg } from "../src/codecs/mod.ts";
import { blurBomb, filteredRects, pointPath } from "../tests/support/svg_bombs.ts";
import { type Bench, type Figure, startApp, upload, whileProbing, withFileKv } from "./support.ts";

const NS = `xmlns="http://www.w3.org/2000/svg"`;

/** Estimated against measured, for drawings the budget admits (one render each). */
async function calibration(): Promise<Figure[]> {
  const Resvg = await loadResvg();
  const cases: Record<string, string> = {
    "blur, 1500x1500": `<svg ${NS} width="1500" height="1500"><filter id="f"><feGaussianBlur ` +
      `stdDeviation="20"/></filter><rect width="1500" height="1500" filter="url(#f)"/></svg>`,
    "1,000 overlapping rects, 1000x1000": `<svg ${NS} width="1000" height="1000">` +
      `<rect width="1000" height="1000" fill="#f00"/>`.repeat(1000) + `</svg>`,
    "30 translucent groups, 1000x1000": `<svg ${NS} width="1000" height="1000">` +
      `<g opacity=".9">`.repeat(30) + `<rect width="1000" height="1000"/>` + "</g>".repeat(30) +
      `</svg>`,
    "20k-point path, 1000x1000": pointPath(20_000),
  };
  const out: Figure[] = [];
  for (const [name, svg] of Object.entries(cases)) {
    const estimate = checkSvgRender(svg).workMs;
    const tree = new Resvg(svg, { font: { loadSystemFonts: false } });
    const at = performance.now();
    tree.render().free();
    const ms = performance.now() - at;
    tree.free();
    out.push({
      name: `  estimate / measured: ${name}`,
      value: estimate / ms,
      unit: "x",
      digits: 2,
      note: `estimated ${Math.round(estimate)} ms, rendered in ${Math.round(ms)} ms (≥ 1 is safe)`,
    });
  }
  return out;
}

export const svgBombs: Bench = {
  id: "svg_bombs",
  name: "SVG bombs uploaded while /healthz is polled",
  run: () =>
    withFileKv("svg_bombs", async (kv) => {
      const app = startApp(kv);
      const figures: Figure[] = [];
      try {
        const bombs: [string, string][] = [
          [`blur bomb (${blurBomb().length} B, 8000x6000)`, blurBomb()],
          [`200 filtered rects (${Math.round(filteredRects().length / 1000)} KB)`, filteredRects()],
          [`600k-point path (${(pointPath().length / 1e6).toFixed(1)} MB)`, pointPath()],
        ];
        for (const [name, svg] of bombs) {
          const file = new Blob([svg], { type: "image/svg+xml" });
          const r = await whileProbing(app.base, async () => {
            const a = await upload(app.base, file, "bomb.svg");
            return `${a.status} ${a.body.error ?? ""}`;
          });
          figures.push({
            name: `upload answered: ${name}`,
            value: r.ms,
            unit: "ms",
            target: { op: "<", value: 10_000 },
            note: `answered ${r.value}`,
          });
          figures.push({
            name: `  slowest /healthz meanwhile`,
            value: r.slowest,
            unit: "ms",
            target: { op: "<", value: 200 },
          });
        }
      } finally {
        await app.close();
      }
      return [...figures, ...await calibration()];
    }),
};
