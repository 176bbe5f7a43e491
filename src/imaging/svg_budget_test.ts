import assert from "node:assert/strict";
import { encodePng } from "../codecs/mod.ts";
import { AppError } from "../../domain/errors.ts";
import { checkSvgIngest, checkSvgRender, SVG_BUDGET } from "./svg_budget.ts";

const NS = `xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"`;
const svg = (body: string, size = `width="1000" height="1000"`) =>
  `<svg ${NS} ${size}>${body}</svg>`;
const MP50 = 50_000_000;

function refused(fn: () => unknown, hint: RegExp) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof AppError, String(e));
    assert.equal(e.code, "image_too_complex");
    assert.equal(e.details.retryAfter, undefined);
    assert.match(e.details.hint ?? "", hint);
    return true;
  });
}

Deno.test("nested <use> fan-out is counted copy by copy, without expanding it", () => {
  // Ten levels of ten copies: 10^10 rects if expanded; the estimate is memoised per element.
  let defs = `<rect id="l0" width="1" height="1"/>`;
  for (let i = 1; i <= 10; i++) {
    defs += `<g id="l${i}">${`<use href="#l${i - 1}"/>`.repeat(10)}</g>`;
  }
  const started = performance.now();
  refused(() => checkSvgIngest(svg(`<defs>${defs}</defs><use href="#l10"/>`), MP50), /elements/);
  assert.ok(performance.now() - started < 1000);
});

Deno.test("a <use> that refers to itself is dropped, as the renderer does, not looped on", () => {
  const cost = checkSvgIngest(
    svg(`<g id="a"><rect width="10" height="10"/><use href="#a"/></g><use href="#a"/>`),
    MP50,
  );
  assert.ok(cost.elements < 10);
});

Deno.test("a marker on every point of a long path multiplies its cost", () => {
  const d = "M0 0" + " L1 1 L2 0".repeat(55_000);
  const marker = `<marker id="m"><circle r="3" filter="url(#f)"/></marker>` +
    `<filter id="f"><feGaussianBlur stdDeviation="2"/></filter>`;
  // Without the marker the path is fine.
  checkSvgIngest(svg(`<path d="${d}" fill="none" stroke="black"/>`), MP50);
  refused(
    () => checkSvgIngest(svg(`<defs>${marker}</defs><path d="${d}" marker-mid="url(#m)"/>`), MP50),
    /elements|filters/,
  );
});

Deno.test("deeply nested translucent groups are refused by their layers", () => {
  const body = `${`<g opacity="0.9">`.repeat(200)}<rect width="1000" height="1000"/>${
    "</g>".repeat(200)
  }`;
  refused(() => checkSvgIngest(svg(body, `width="4000" height="4000"`), MP50), /opacity/);
  // A few nested groups are ordinary.
  checkSvgIngest(svg(`<g opacity=".5"><g opacity=".5"><rect width="9" height="9"/></g></g>`), MP50);
});

Deno.test("feMorphology pays for its radius", () => {
  const morph = (r: number) =>
    svg(
      `<filter id="f"><feMorphology operator="dilate" radius="${r}"/></filter>` +
        `<rect width="1000" height="1000" filter="url(#f)"/>`,
    );
  checkSvgIngest(morph(1), MP50);
  refused(() => checkSvgIngest(morph(200), MP50), /filter/);
});

Deno.test("filters set from a <style> rule are counted on every element the rule matches", () => {
  const rects = `<rect class="s" width="4000" height="4000"/>`.repeat(40);
  const body = `<style>.s { filter: url(#f) }</style>` +
    `<filter id="f"><feGaussianBlur stdDeviation="3"/></filter>${rects}`;
  refused(() => checkSvgIngest(svg(body, `width="4000" height="4000"`), MP50), /filter/);
  // The same rects without the class are cheap.
  checkSvgIngest(svg(body.replaceAll(`class="s" `, ""), `width="4000" height="4000"`), MP50);
});

Deno.test("an embedded raster is judged by the pixels its header declares", async () => {
  const png = await encodePng({ width: 1, height: 1, data: new Uint8Array(4) });
  // Rewrite IHDR to claim 20000x20000 (the CRC is not what the header reader checks).
  const view = new DataView(png.buffer, png.byteOffset);
  view.setUint32(16, 20_000);
  view.setUint32(20, 20_000);
  const b64 = btoa(String.fromCharCode(...png));
  const body = `<image width="10" height="10" href="data:image/png;base64,${b64}"/>`;
  refused(() => checkSvgIngest(svg(body), MP50), /raster/);
});

Deno.test("the render check follows the size asked for; the ingest check the SVG's own size", () => {
  const body = `<filter id="f"><feGaussianBlur stdDeviation="4"/></filter>` +
    `<rect width="100" height="100" filter="url(#f)"/>`;
  const doc = svg(body, `width="100" height="100"`);
  const small = checkSvgIngest(doc, MP50);
  assert.ok(small.workMs < SVG_BUDGET.workMs);
  assert.ok(checkSvgRender(doc, { width: 200, height: 200 }).workMs > small.workMs);
  refused(() => checkSvgRender(doc, { width: 7000, height: 7000 }), /smaller rendition/);
});

Deno.test("ingest judges the render clamped to MAX_PIXELS, as a link without w/h renders it", () => {
  const body = `<filter id="f"><feGaussianBlur stdDeviation="4"/></filter>` +
    `<rect width="100000" height="100000" filter="url(#f)"/>`;
  const doc = svg(body, `width="100000" height="100000"`);
  refused(() => checkSvgIngest(doc, MP50), /filter/);
  checkSvgIngest(doc, 1_000_000);
});

Deno.test("an ordinary illustration is far inside the budget", () => {
  const shapes = Array.from(
    { length: 500 },
    (_, i) =>
      `<path d="M${i % 50} ${i % 37} c 10 10 20 -5 30 4 s 10 10 -4 8 z" fill="#${
        (i * 4321 % 0xffffff).toString(16).padStart(6, "0")
      }" stroke="#000" stroke-width="0.5"/>`,
  ).join("");
  const cost = checkSvgIngest(svg(shapes, `viewBox="0 0 100 100" width="800" height="800"`), MP50);
  assert.ok(cost.workMs < SVG_BUDGET.workMs / 4, JSON.stringify(cost));
});

Deno.test("style rules with costly properties are bounded; plain colour rules are not counted", () => {
  const rules = (n: number, decl: string) =>
    Array.from({ length: n }, (_, i) => `.c${i}{${decl}}`).join("");
  const doc = (css: string) => svg(`<style>${css}</style><rect class="c1" width="9" height="9"/>`);
  // An editor's export: a class per colour.
  checkSvgIngest(doc(rules(5_000, "fill:#123456")), MP50);
  refused(() => checkSvgIngest(doc(rules(5_000, "opacity:.5")), MP50), /<style> rules/);
});

Deno.test("many small basic shapes are judged by their work, not the path-point budget", () => {
  const pixels = Array.from(
    { length: 80_000 },
    (_, i) => `<rect x="${i % 400}" y="${Math.floor(i / 400)}" width="1" height="1"/>`,
  ).join("");
  const cost = checkSvgIngest(svg(pixels, `width="400" height="200"`), MP50);
  assert.ok(cost.elements > 80_000);
});

Deno.test("a tiny shape with a huge stroke costs the area its stroke paints, inherited or not", () => {
  // 1,500 dots on a 4000x3000 canvas, each stroked 9,000 wide: every one paints the canvas.
  const dots = `<circle cx="1" cy="1" r="1"/>`.repeat(1_500);
  const size = `width="4000" height="3000"`;
  refused(
    () =>
      checkSvgIngest(svg(dots.replaceAll("/>", ` stroke="red" stroke-width="9000"/>`), size), MP50),
    /shapes/,
  );
  refused(
    () => checkSvgIngest(svg(`<g stroke="red" stroke-width="9000">${dots}</g>`, size), MP50),
    /shapes/,
  );
  const defs = `<defs><circle id="d" r="1"/></defs>`;
  refused(
    () =>
      checkSvgIngest(
        svg(`${defs}${`<use href="#d" stroke="red" stroke-width="9000"/>`.repeat(1_500)}`, size),
        MP50,
      ),
    /shapes/,
  );
  // The same dots with an ordinary stroke, and an icon drawn with a thick inherited stroke, pass.
  checkSvgIngest(svg(`<g stroke="red" stroke-width="2">${dots}</g>`, size), MP50);
  checkSvgIngest(
    svg(
      `<g fill="none" stroke="#000" stroke-width="2"><path d="M3 12h18M12 3v18"/></g>`,
      `viewBox="0 0 24 24" width="512" height="512"`,
    ),
    MP50,
  );
});
