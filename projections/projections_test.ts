import assert from "node:assert/strict";
import type { StoredEvent } from "../domain/event_envelope.ts";
import { ALL_PROJECTIONS, foldDocs, imageReadModel } from "./mod.ts";

const meta = { schema: 1, at: 0, actor: "t", command_id: "c", correlation_id: "c" };
const uploaded = (id: string, expires_at: number | null, hash = "b".repeat(64)): StoredEvent => ({
  stream: `image-${id}`,
  version: 1,
  type: "ImageUploaded",
  meta,
  data: {
    id,
    source: "upload",
    owner: expires_at === null ? "acc" : null,
    blob: { hash, size: 10 },
    format: "png",
    extension: "png",
    mime: "image/png",
    width: 2,
    height: 3,
    frames: 1,
    created_at: 100,
    expires_at,
  },
});
const expired = (id: string): StoredEvent => ({
  stream: `image-${id}`,
  version: 2,
  type: "ImageExpired",
  meta,
  data: { id, expired_at: 500 },
});

const LOG = [uploaded("aaaaaaaaaa", 400), uploaded("bbbbbbbbbb", null), expired("aaaaaaaaaa")];

Deno.test("replaying the same events twice gives identical documents", () => {
  for (const p of ALL_PROJECTIONS) {
    const once = foldDocs(p, LOG);
    const twice = foldDocs(p, LOG);
    assert.deepEqual([...once.entries()], [...twice.entries()], p.name);
  }
});

Deno.test("the image read model keeps an expired image so reads can answer 410", () => {
  const docs = foldDocs(imageReadModel, LOG);
  assert.equal(docs.get('["aaaaaaaaaa"]')?.doc.status, "expired");
  assert.equal(docs.get('["aaaaaaaaaa"]')?.doc.expired_at, 500);
  assert.equal(docs.get('["bbbbbbbbbb"]')?.doc.status, "live");
});

Deno.test("the expiry index lists only live images that expire, by time", () => {
  const docs = foldDocs(imageReadModel, [uploaded("cccccccccc", 900), ...LOG]);
  const expiry = [...docs.values()].flatMap((d) => imageReadModel.indexes!(d.doc)).filter((k) =>
    k[0] === "expiry"
  );
  assert.deepEqual(expiry, [["expiry", 900]]);
});

Deno.test("a blob is referenced while an image using it is live", () => {
  const docs = foldDocs(imageReadModel, LOG);
  const refs = [...docs.values()].flatMap((d) => imageReadModel.indexes!(d.doc)).filter((k) =>
    k[0] === "blob"
  );
  assert.deepEqual(refs, [["blob", "b".repeat(64)]]);
});

Deno.test("an owned live image is in its owner's list; an anonymous one is not", () => {
  const docs = foldDocs(imageReadModel, LOG);
  const owners = [...docs.values()].flatMap((d) => imageReadModel.indexes!(d.doc)).filter((k) =>
    k[0] === "owner"
  );
  assert.deepEqual(owners, [["owner", "acc", 100]]);
});
