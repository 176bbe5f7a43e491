import type { KeyPart } from "../../projections/mod.ts";

const utf8 = new TextEncoder();

/** KV's own key order for string and number parts: strings (by UTF-8 bytes) before numbers. */
export function compareKeys(a: readonly KeyPart[], b: readonly KeyPart[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = comparePart(a[i], b[i]);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

function comparePart(a: KeyPart, b: KeyPart): number {
  if (typeof a !== typeof b) return typeof a === "string" ? -1 : 1;
  if (typeof a === "number") return a < (b as number) ? -1 : a > (b as number) ? 1 : 0;
  if (a === b) return 0;
  const x = utf8.encode(a);
  const y = utf8.encode(b as string);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i] - y[i];
  }
  return x.length - y.length;
}

type Keyed<T> = { key: KeyPart[]; value: T };

/**
 * Walks two key-ordered listings side by side, pairing equal keys: a diff of two KV ranges in
 * constant memory, however many keys they hold.
 */
export async function* mergeByKey<T>(
  left: AsyncIterable<Keyed<T>>,
  right: AsyncIterable<Keyed<T>>,
): AsyncGenerator<{ key: KeyPart[]; left?: T; right?: T }> {
  const l = left[Symbol.asyncIterator]();
  const r = right[Symbol.asyncIterator]();
  let a = await l.next();
  let b = await r.next();
  while (!a.done || !b.done) {
    const c = a.done ? 1 : b.done ? -1 : compareKeys(a.value.key, b.value.key);
    if (c === 0) {
      yield { key: a.value!.key, left: a.value!.value, right: b.value!.value };
      a = await l.next();
      b = await r.next();
    } else if (c < 0) {
      yield { key: a.value!.key, left: a.value!.value };
      a = await l.next();
    } else {
      yield { key: b.value!.key, right: b.value!.value };
      b = await r.next();
    }
  }
}
