import assert from "node:assert/strict";
import { canonical, Fingerprint } from "./fingerprint.ts";

const of = (items: string[]) => {
  const f = new Fingerprint();
  for (const s of items) f.add(s);
  return f;
};

Deno.test("fingerprints ignore order and tell apart a changed, missing or extra member", () => {
  const base = Array.from({ length: 1000 }, (_, i) => `["img${i}"]\n{"width":${i}}`);
  assert.ok(of(base).equals(of([...base].reverse())));
  assert.ok(!of(base).equals(of([...base.slice(1), `["img0"]\n{"width":1}`])));
  assert.ok(!of(base).equals(of(base.slice(1))));
  assert.ok(!of(base).equals(of([...base, "extra"])));
  // The same strings twice over are not the set once.
  assert.ok(!of(["a", "a"]).equals(of(["b", "b"])));
});

Deno.test("canonical is key-order free and keeps what deep equality keeps", () => {
  assert.equal(
    canonical({ a: 1, b: [1, { c: 2, d: null }] }),
    canonical({ b: [1, { d: null, c: 2 }], a: 1 }),
  );
  assert.notEqual(canonical({ a: undefined }), canonical({}));
  assert.notEqual(canonical({ a: 1 }), canonical({ a: "1" }));
  assert.notEqual(canonical([1, 2]), canonical(new Uint8Array([1, 2])));
  assert.notEqual(canonical(1n), canonical(1));
});
