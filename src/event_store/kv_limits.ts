/**
 * Deno KV's limits (DESIGN.md). Deploy's FoundationDB backend enforces them; the local SQLite
 * one is laxer, so we check ourselves and fail loudly in development instead of in production.
 */
export const KV_LIMITS = {
  valueBytes: 64 * 1024,
  keyBytes: 2 * 1024,
  mutationsPerAtomic: 1000,
  bytesPerAtomic: 800 * 1024,
  keyBytesPerAtomic: 80 * 1024,
  checksPerAtomic: 10,
} as const;

export class KvLimitError extends Error {
  override name = "KvLimitError";
}

const encoder = new TextEncoder();

/** An upper bound of a key's encoded size: each part plus its type tag and terminator. */
export function keySize(key: Deno.KvKey): number {
  let size = 0;
  for (const part of key) {
    if (typeof part === "string") size += encoder.encode(part).length + 2;
    else if (part instanceof Uint8Array) size += part.length + 2;
    else size += 9;
  }
  return size;
}

/**
 * An upper bound of a value's size in V8 serialisation: JSON's UTF-8 length is never below it
 * for the plain objects we store (V8 uses ≤2 bytes per UTF-16 unit, JSON ≥1 per ASCII char and
 * 3 per BMP char, numbers ≤ 9 bytes vs their decimal text plus tag overhead).
 */
export function valueSize(value: unknown): number {
  if (value instanceof Uint8Array) return value.length + 8;
  return Math.ceil(encoder.encode(JSON.stringify(value) ?? "null").length * 1.1) + 16;
}

export type Mutation =
  | { type: "set"; key: Deno.KvKey; value: unknown; expireIn?: number }
  | { type: "delete"; key: Deno.KvKey };

/** Throws a KvLimitError naming the first limit a planned atomic would break. */
export function assertWithinLimits(checks: number, mutations: Mutation[]): void {
  if (checks > KV_LIMITS.checksPerAtomic) {
    throw new KvLimitError(`atomic has ${checks} checks (max ${KV_LIMITS.checksPerAtomic})`);
  }
  if (mutations.length > KV_LIMITS.mutationsPerAtomic) {
    throw new KvLimitError(`atomic has ${mutations.length} mutations`);
  }
  let total = 0;
  let keyTotal = 0;
  for (const m of mutations) {
    const k = keySize(m.key);
    if (k > KV_LIMITS.keyBytes) throw new KvLimitError(`key of ${k} bytes: ${String(m.key[0])}`);
    keyTotal += k;
    total += k;
    if (m.type === "set") {
      const v = valueSize(m.value);
      if (v > KV_LIMITS.valueBytes) {
        throw new KvLimitError(`value of ~${v} bytes under ${JSON.stringify(m.key.slice(0, 3))}`);
      }
      total += v;
    }
  }
  if (keyTotal > KV_LIMITS.keyBytesPerAtomic) {
    throw new KvLimitError(`keys total ${keyTotal} bytes`);
  }
  if (total > KV_LIMITS.bytesPerAtomic) throw new KvLimitError(`atomic totals ~${total} bytes`);
}
