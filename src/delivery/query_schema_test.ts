import assert from "node:assert/strict";
import { AppError } from "../../domain/errors.ts";
import { parseTransformQuery } from "./query_schema.ts";

const q = (s: string) => {
  const out: Record<string, string[]> = {};
  for (const [k, v] of new URLSearchParams(s)) (out[k] ??= []).push(v);
  return out;
};
const canonical = (s: string) => parseTransformQuery(q(s)).canonical;

function refused(query: string, field: string): AppError {
  try {
    parseTransformQuery(q(query));
  } catch (e) {
    assert.ok(e instanceof AppError);
    assert.equal(e.code, "invalid_transform", query);
    assert.equal(e.details.retryAfter, undefined);
    assert.equal(e.details.field, field, query);
    return e;
  }
  assert.fail(`${query} was accepted`);
}

Deno.test("canonical: sorted, so parameter order does not matter", () => {
  assert.equal(canonical("rotate=90&blur=5&format=webp"), "blur=5&format=webp&rotate=90");
  assert.equal(canonical("format=webp&rotate=90&blur=5"), "blur=5&format=webp&rotate=90");
});

Deno.test("canonical: defaults removed, numbers and aliases normalised", () => {
  assert.equal(canonical(""), "");
  assert.equal(canonical("brightness=1&contrast=1.0&gamma=0&saturation=01&sharp=0"), "");
  assert.equal(canonical("metadata=copyright&fit=scale-down&gravity=center&dpr=1"), "");
  assert.equal(canonical("gravity=0.5x0.5"), "");
  assert.equal(canonical("brightness=1.50&blur=007"), "blur=7&brightness=1.5");
  assert.equal(canonical("format=JPEG&flip=vh"), "flip=hv&format=jpg");
  assert.equal(canonical("background=%23FF0000"), "background=ff0000");
  assert.equal(canonical("background=red"), canonical("background=rgb(255,0,0)"));
  assert.equal(canonical("background=%2300ff0080"), "background=00ff0080");
  assert.equal(canonical("gravity=.25x1.0"), "gravity=0.25x1");
});

Deno.test("bad values are refused naming the parameter and what it takes", () => {
  const cases: [string, string][] = [
    ["blur=0", "blur"],
    ["blur=251", "blur"],
    ["blur=abc", "blur"],
    ["brightness=-1", "brightness"],
    ["brightness=11", "brightness"],
    ["sharp=1e1", "sharp"],
    ["quality=50.5", "quality"],
    ["quality=0", "quality"],
    ["rotate=45", "rotate"],
    ["flip=x", "flip"],
    ["format=bmp", "format"],
    ["background=blurple", "background"],
    ["metadata=all", "metadata"],
    ["size=xl", "size"],
    ["w=0", "w"],
    ["h=9000", "h"],
    ["fit=fill", "fit"],
    ["gravity=2x0", "gravity"],
    ["dpr=4", "dpr"],
  ];
  for (const [query, field] of cases) {
    const e = refused(query, field);
    assert.ok(e.message.includes(query.split("=")[1]), `${query}: message names the value`);
    assert.ok(e.details.hint?.startsWith(field), e.message);
  }
});

Deno.test("unknown and repeated parameters are refused, never ignored", () => {
  const e = refused("bogus=1", "bogus");
  assert.match(e.message, /Unknown parameter "bogus"/);
  assert.ok(e.details.hint?.includes("blur"));
  refused("width=100", "width");
  refused("blur=1&blur=2", "blur");
});

Deno.test("segment takes foreground only, and gravity=face is a gravity like the others", () => {
  assert.equal(canonical("segment=FOREGROUND&gravity=face"), "gravity=face&segment=foreground");
  const e = refused("segment=background", "segment");
  assert.match(e.details.hint ?? "", /foreground/);
  refused("segment=", "segment");
});

Deno.test("size and w/h do not mix; w×dpr stays within 8192", () => {
  refused("size=m&w=100", "size");
  refused("w=5000&dpr=2", "dpr");
  assert.equal(canonical("w=4096&dpr=2"), "dpr=2&w=4096");
});

Deno.test("sig is taken apart from the parameters", () => {
  const parsed = parseTransformQuery(q("w=100&sig=abc"));
  assert.equal(parsed.sig, "abc");
  assert.equal(parsed.canonical, "w=100");
});
