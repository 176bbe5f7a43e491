import assert from "node:assert/strict";
import { parseCssColour } from "./css_color.ts";

Deno.test("CSS colours: hex with or without #, names, rgb() and rgba()", () => {
  const cases: [string, number[]][] = [
    ["#f00", [255, 0, 0, 255]],
    ["f00", [255, 0, 0, 255]],
    ["#ff000080", [255, 0, 0, 128]],
    ["#0F08", [0, 255, 0, 136]],
    ["00ff00", [0, 255, 0, 255]],
    ["RebeccaPurple", [102, 51, 153, 255]],
    ["white", [255, 255, 255, 255]],
    ["transparent", [0, 0, 0, 0]],
    ["rgb(10, 20, 30)", [10, 20, 30, 255]],
    ["rgba(10,20,30,0.5)", [10, 20, 30, 128]],
    ["rgb(100% 0% 50% / 25%)", [255, 0, 128, 64]],
    ["rgb(300, -1, 0)", []],
  ];
  for (const [input, want] of cases) {
    const got = parseCssColour(input);
    if (want.length === 0) assert.equal(got, null, input);
    else assert.deepEqual(got, want, input);
  }
});

Deno.test("CSS colours: nonsense is refused, not guessed", () => {
  for (
    const bad of ["", "#12", "#12345", "blurple", "rgb(1,2)", "rgb(1,2,3,4,5)", "hsl(0,0%,0%)"]
  ) {
    assert.equal(parseCssColour(bad), null, bad);
  }
});
