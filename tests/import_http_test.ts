import assert from "node:assert/strict";
import { VERSION } from "../src/version.ts";
import { expectError, type ImageJson, withApp } from "./support/http.ts";
import { importOk, postImport, TIMEOUT_MS, withImportApp } from "./support/import_http.ts";
import { fixture } from "./support/test_app.ts";
import { streams } from "../domain/streams.ts";

Deno.test("importing a fixture from an allowed origin answers 201 like an upload and records the URL", async () => {
  await withImportApp(async (t, origin, hits) => {
    const jpg = await fixture("portrait.jpg");
    const url = `${origin}/fixtures/portrait.jpg#ignored`;
    const res = await postImport(t, {
      url,
      caption: "Imported",
      ttl: "2h",
      metadata: { author: "NASA" },
    });
    const img = await res.json() as ImageJson;
    assert.equal(res.status, 201, JSON.stringify(img));
    assert.deepEqual(
      [img.extension, img.width, img.height, img.filesize, img.caption, img.metadata],
      ["jpg", 512, 512, jpg.length, "Imported", { author: "NASA" }],
    );
    assert.equal(img.expires_at, img.created_at + 7200);
    assert.equal(res.headers.get("location"), img.link);

    const { events } = await t.services.store.readStream(streams.image(img.id));
    const data = events[0].data as { source: string; source_url: string };
    assert.equal(data.source, "import");
    assert.equal(data.source_url, `${origin}/fixtures/portrait.jpg`);

    // What left the service: our name, no cookies, no credentials.
    assert.equal(hits.length, 1);
    assert.equal(hits[0].headers.get("user-agent"), `imgpro-import/${VERSION}`);
    assert.equal(hits[0].headers.get("cookie"), null);
    assert.equal(hits[0].headers.get("authorization"), null);

    // Served like any upload (delivery may filter EXIF, so the bytes are not compared).
    const served = await t.app.request(`/${img.id}`);
    assert.equal(served.status, 200);
    assert.equal(served.headers.get("content-type"), "image/jpeg");
    await served.body?.cancel();
  });
});

Deno.test("redirects are followed by hand up to 5; a sixth is refused", async () => {
  await withImportApp(async (t, origin, hits) => {
    const png = await importOk(t, { url: `${origin}/hops/5/cat.png` });
    assert.deepEqual([png.extension, png.width, png.height], ["png", 451, 300]);
    assert.equal(hits.length, 6);

    const body = await expectError(
      await postImport(t, { url: `${origin}/hops/6/cat.png` }),
      422,
      "import_failed",
    );
    assert.equal(body.action.field, "url");
    assert.match(body.message, /more than 5 times/);
  });
});

Deno.test("HTML, 404, 403 and 503 answers are explained with fix or retry", async () => {
  await withImportApp(async (t, origin) => {
    const page = await expectError(
      await postImport(t, { url: `${origin}/page.html` }),
      415,
      "unsupported_format",
    );
    assert.equal(page.action.field, "url");
    assert.match(page.action.hint ?? "", /web page/);

    const missing = await expectError(
      await postImport(t, { url: `${origin}/nope.png` }),
      422,
      "import_failed",
    );
    assert.match(missing.message, /404/);
    assert.equal(missing.action.field, "url");

    const denied = await expectError(
      await postImport(t, { url: `${origin}/private` }),
      422,
      "import_failed",
    );
    assert.match(denied.message, /403.*not public/);

    const busy = await postImport(t, { url: `${origin}/busy` });
    const body = await expectError(busy, 422, "import_failed", "retry");
    assert.equal(body.action.seconds, 7);
    assert.equal(busy.headers.get("retry-after"), "7");

    const truncated = await expectError(
      await postImport(t, { url: `${origin}/fixtures/truncated.jpg` }),
      422,
      "invalid_image",
    );
    assert.equal(truncated.action.field, "url");
  });
});

Deno.test("an unreachable allowed port is a retry, not a 500", async () => {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const closed = `127.0.0.1:${(probe.addr as Deno.NetAddr).port}`;
  probe.close();
  await withApp(async (t) => {
    await expectError(
      await postImport(t, { url: `http://${closed}/cat.png` }),
      422,
      "import_failed",
      "retry",
    );
  }, { IMPORT_ALLOW_HOSTS: closed, IMPORT_TIMEOUT_MS: String(TIMEOUT_MS) });
});

Deno.test("bad requests are refused with validation_error naming the field", async () => {
  await withImportApp(async (t, origin, hits) => {
    const cases: [unknown, string][] = [
      [{}, "url"],
      [{ url: 42 }, "url"],
      [{ url: "not a url" }, "url"],
      [{ url: `${origin}/${"a".repeat(2100)}` }, "url"],
      [{ url: `${origin}/fixtures/cat.png`, ttl: "10" }, "ttl"],
      [{ url: `${origin}/fixtures/cat.png`, caption: "x".repeat(2001) }, "caption"],
      [{ url: `${origin}/fixtures/cat.png`, metadata: { Author: "x" } }, "metadata"],
      [{ url: `${origin}/fixtures/cat.png`, file: "cat.png" }, ""],
    ];
    for (const [body, field] of cases) {
      const err = await expectError(await postImport(t, body), 422, "validation_error");
      assert.ok(
        (err.action.field ?? "").startsWith(field),
        `${JSON.stringify(body)}: ${JSON.stringify(err)}`,
      );
    }
    const notJson = await t.app.request("/v1/import", { method: "POST", body: "url=x" });
    assert.ok(notJson.status >= 400 && notJson.status < 500, `not JSON: ${notJson.status}`);
    await notJson.body?.cancel();
    // ttl as JSON seconds is accepted too. Only this request reached the origin.
    await importOk(t, { url: `${origin}/fixtures/cat.png`, ttl: 300 });
    assert.equal(hits.length, 1);
  });
});

Deno.test("an Idempotency-Key retry returns the first image without fetching again", async () => {
  await withImportApp(async (t, origin, hits) => {
    const headers = { "Idempotency-Key": "import-1" };
    const body = { url: `${origin}/fixtures/cat.png`, caption: "once" };
    const first = await postImport(t, body, headers);
    const a = await first.json();
    assert.equal(first.status, 201);
    const second = await postImport(t, body, headers);
    assert.equal(second.status, 201);
    assert.equal(second.headers.get("idempotent-replayed"), "true");
    assert.deepEqual(await second.json(), a);
    assert.equal(hits.length, 1, "the retry is answered before any fetch");
    const other = await postImport(t, { ...body, caption: "twice" }, headers);
    await expectError(other, 409, "idempotency_key_conflict");
    assert.equal(hits.length, 1);
  });
});

Deno.test("imports count against the anonymous ingest rate limit", async () => {
  await withImportApp(async (t, origin) => {
    await importOk(t, { url: `${origin}/fixtures/cat.png` });
    await expectError(
      await postImport(t, { url: `${origin}/fixtures/cat.png` }),
      429,
      "rate_limited",
      "wait",
    );
  }, { ANON_UPLOADS_PER_HOUR: "1" });
});
