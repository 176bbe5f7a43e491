import assert from "node:assert/strict";
import { negotiateFormat, withFormatAuto } from "./format_auto.ts";

const jpeg = { format: "jpeg", frames: 1 };

Deno.test("negotiateFormat follows the types the client lists with q > 0", () => {
  assert.equal(negotiateFormat("image/avif,image/webp,*/*", jpeg, {}), "avif");
  assert.equal(negotiateFormat("IMAGE/WEBP; q=0.9, */*", jpeg, {}), "webp");
  assert.equal(negotiateFormat("image/avif;q=0, image/webp", jpeg, {}), "webp");
  assert.equal(negotiateFormat("image/avif;q=0.0", jpeg, {}), undefined);
  assert.equal(negotiateFormat("image/*,*/*", jpeg, {}), undefined);
  assert.equal(negotiateFormat(undefined, jpeg, {}), undefined);
});

Deno.test("negotiateFormat keeps animated GIFs and untransformed SVGs as stored", () => {
  const all = "image/avif,image/webp";
  assert.equal(negotiateFormat(all, { format: "gif", frames: 4 }, {}), undefined);
  assert.equal(negotiateFormat(all, { format: "gif", frames: 1 }, {}), "avif");
  assert.equal(negotiateFormat(all, { format: "svg", frames: 1 }, {}), undefined);
  assert.equal(negotiateFormat(all, { format: "svg", frames: 1 }, { size: "s" }), "avif");
});

Deno.test("withFormatAuto sorts format=auto in and keeps sig last", () => {
  assert.equal(withFormatAuto(""), "format=auto");
  assert.equal(withFormatAuto("blur=2&w=10&sig=abc"), "blur=2&format=auto&w=10&sig=abc");
});
