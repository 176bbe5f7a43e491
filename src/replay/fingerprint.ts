/**
 * An order-independent digest of a set of strings: a count and two 32-bit lane sums of a mixed
 * hash of each. Two sets with equal fingerprints are equal but with a chance of about 2^-64, so
 * replay can confirm "no difference" in constant memory and only lists differences (the slow,
 * exact way) when the fingerprints disagree.
 */
export class Fingerprint {
  count = 0;
  #a = 0;
  #b = 0;

  add(text: string): void {
    let a = 0x811c9dc5;
    let b = 0x01000193 ^ text.length;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
    }
    this.#a = (this.#a + mix(a)) >>> 0;
    this.#b = (this.#b + mix(b ^ 0x9e3779b9)) >>> 0;
    this.count++;
  }

  equals(other: Fingerprint): boolean {
    return this.count === other.count && this.#a === other.#a && this.#b === other.#b;
  }
}

/** A final avalanche, so that similar strings land far apart before they are summed. */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A serialisation equal for values that `isDeepStrictEqual` finds equal: object keys sorted,
 * `undefined` properties kept, bigints and byte arrays told apart from numbers and arrays.
 */
export function canonical(v: unknown): string {
  if (v === undefined) return "u";
  if (typeof v === "bigint") return `${v}n`;
  if (v === null || typeof v !== "object") return JSON.stringify(v);
  if (v instanceof Uint8Array) return `b[${v.join(",")}]`;
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  const o = v as Record<string, unknown>;
  return `{${
    Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(",")
  }}`;
}
