/**
 * Robustness review of the HTTP surface, upload bodies that stall or break off: malformed input
 * must get a 4xx with the SPEC §7 envelope `{error, message, action}` (HTML pages may answer
 * HTML), never a 5xx, a throw or a hang.
 *
 * Both inputs broke the rule when the review ran; each test under "now fixed" says what was wrong.
 */
import assert from "node:assert/strict";
import { B, enc, ENV, expectClientError } from "./support/fuzz.ts";
import { type TestApp, withApp } from "./support/http.ts";
import { fixture, uploadForm } from "./support/test_app.ts";

/** A multipart upload whose body sends its first bytes and then nothing more, until `end`. */
function stalledUpload(t: TestApp) {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      c.enqueue(
        enc.encode(
          `--${B}\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nGIF89a`,
        ),
      );
    },
  });
  const response = Promise.resolve(t.app.request("/v1/upload", {
    method: "POST",
    body,
    headers: { "content-type": `multipart/form-data; boundary=${B}` },
  }));
  return { response, end: (reason: Error) => controller.error(reason) };
}

Deno.test("two uploads that stop sending give their ingest slots back at the body deadline", async () => {
  // src/http/ingest_gate.ts takes a slot (INGEST_CONCURRENCY, 2 by default) and then reads the
  // body with no deadline (no timeout middleware, although DESIGN.md lists Hono's `timeout`), so
  // two slow-loris clients stall every upload and import behind them, and a queue of 32 more
  // turns the rest into 503s. Fix: a deadline (or minimum rate) on reading the body inside the
  // slot, answered with a 4xx (408/422) naming the body.
  await withApp(async (t) => {
    const gif = await fixture("animated.gif");
    const stalled = [stalledUpload(t), stalledUpload(t)];
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    const normal = Promise.resolve(t.app.request("/v1/upload", {
      method: "POST",
      body: uploadForm(gif),
    }));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const first = await Promise.race([
      normal,
      new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), 3000))),
    ]);
    clearTimeout(timer);
    const waited = Math.round(performance.now() - started);
    for (const s of stalled) s.end(new Error("the test ends the stalled body"));
    for (const res of await Promise.all([...stalled.map((s) => s.response), normal])) {
      await res.body?.cancel();
    }
    assert.ok(first !== null, `a normal upload was still waiting after ${waited} ms`);
    // The default deadline is 30 s; a short one lets the stalled bodies give their slots back
    // well inside the 3 s this test allows the normal upload.
  }, { ...ENV, UPLOAD_BODY_TIMEOUT_MS: "500" });
});

Deno.test("an upload whose body breaks off (client gone) is a 4xx", async () => {
  // readUploadForm (src/http/multipart_form.ts) rethrows the stream's error; only
  // MultipartParseError and MaxFileSizeExceededError become 4xx. A body that errors is the
  // client's fault: answer 400/422 (and keep it out of the internal-error log).
  await withApp(async (t) => {
    const s = stalledUpload(t);
    await new Promise((resolve) => setTimeout(resolve, 20));
    s.end(new Error("connection reset by peer"));
    const res = await s.response;
    await expectClientError(res, "upload whose body stream errors");
  }, ENV);
});
