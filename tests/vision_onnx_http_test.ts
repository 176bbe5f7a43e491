import assert from "node:assert/strict";
import { decodeSource } from "../src/imaging/mod.ts";
import { png } from "./support/formats.ts";
import { uploadOk, withApp } from "./support/http.ts";
import { tinyBrightnessModel } from "./support/tiny_onnx.ts";

/** Black, with a white square on the left and a mid-grey one on the right. */
function squares(): { width: number; height: number; data: Uint8Array } {
  const width = 200, height = 100;
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = y >= 25 && y < 75 ? (x >= 25 && x < 75 ? 255 : x >= 125 && x < 175 ? 128 : 0) : 0;
      data.set([v, v, v, 255], (y * width + x) * 4);
    }
  }
  return { width, height, data };
}

Deno.test("SEGMENT_MODEL_PATH: the operator's ONNX model makes the mask (X-Segment-Method: onnx)", async () => {
  await Deno.mkdir("data", { recursive: true });
  const path = await Deno.makeTempFile({ dir: "data", suffix: ".onnx" });
  try {
    await Deno.writeFile(path, tinyBrightnessModel(64));
    await withApp(async (t) => {
      const { id } = await uploadOk(t, await png(squares()), "squares.png");
      const res = await t.app.request(`/${id}?segment=foreground`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("x-segment-method"), "onnx");
      const [img] = await decodeSource(new Uint8Array(await res.arrayBuffer()), "png");
      const alpha = (x: number, y: number) => img.data[(y * img.width + x) * 4 + 3];
      assert.ok(alpha(50, 50) > 240, `white square ${alpha(50, 50)}`);
      assert.ok(alpha(2, 2) < 15 && alpha(100, 50) < 15, "black is background");
      // The model's own output, not a key: mid-grey comes out half transparent.
      assert.ok(alpha(150, 50) > 90 && alpha(150, 50) < 165, `grey square ${alpha(150, 50)}`);
    }, { SEGMENT_MODEL_PATH: path, SEGMENT_DEADLINE_MS: "60000" });
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("a SEGMENT_MODEL_PATH that does not load falls back to the bundled segmenters", async () => {
  await withApp(async (t) => {
    const { id } = await uploadOk(t, await png(squares()), "squares.png");
    const res = await t.app.request(`/${id}?segment=foreground`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-segment-method"), "flood");
    await res.body?.cancel();
  }, { SEGMENT_MODEL_PATH: "data/no-such-model.onnx", SEGMENT_DEADLINE_MS: "60000" });
});

Deno.test("another segmenter (SEGMENT_MODEL_PATH) gives segment outputs a new ETag; other outputs keep theirs", async () => {
  const etags = async (env: Record<string, string>) => {
    const tags: (string | null)[] = [];
    await withApp(async (t) => {
      const { id } = await uploadOk(t, await png(squares()), "squares.png");
      for (const q of ["segment=foreground", "rotate=90"]) {
        const res = await t.app.request(`/${id}?${q}`);
        assert.equal(res.status, 200);
        await res.body?.cancel();
        tags.push(res.headers.get("etag"));
      }
    }, { SEGMENT_DEADLINE_MS: "60000", ...env });
    return tags;
  };
  const [bundledCut, bundledTurn] = await etags({});
  const [modelCut, modelTurn] = await etags({ SEGMENT_MODEL_PATH: "data/no-such-model.onnx" });
  assert.ok(bundledCut && modelCut);
  assert.notEqual(modelCut, bundledCut, "a cut-out of other masks is another variant");
  assert.equal(modelTurn, bundledTurn);
});

Deno.test("a SEGMENT_MODEL_PATH file that is not a model falls back to the bundled segmenters, not a 500", async () => {
  await Deno.mkdir("data", { recursive: true });
  const path = await Deno.makeTempFile({ dir: "data", suffix: ".onnx" });
  try {
    await Deno.writeFile(path, new TextEncoder().encode("not an onnx model ".repeat(64)));
    await withApp(async (t) => {
      const { id } = await uploadOk(t, await png(squares()), "squares.png");
      for (const q of ["segment=foreground", "segment=foreground&format=webp"]) {
        const res = await t.app.request(`/${id}?${q}`);
        assert.equal(res.status, 200, q);
        assert.equal(res.headers.get("x-segment-method"), "flood");
        await res.body?.cancel();
      }
    }, { SEGMENT_MODEL_PATH: path, SEGMENT_DEADLINE_MS: "60000" });
  } finally {
    await Deno.remove(path);
  }
});
