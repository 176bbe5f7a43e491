/** Big- and little-endian readers. Callers check bounds first: these never throw. */
export const u16be = (b: Uint8Array, o: number): number => (b[o] << 8) | b[o + 1];
export const u16le = (b: Uint8Array, o: number): number => b[o] | (b[o + 1] << 8);
// `>>> 0` keeps values above 2^31 positive instead of wrapping to negative.
export const u32be = (b: Uint8Array, o: number): number =>
  ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
export const u32le = (b: Uint8Array, o: number): number =>
  ((b[o + 3] << 24) | (b[o + 2] << 16) | (b[o + 1] << 8) | b[o]) >>> 0;

/** True when `ascii` appears at offset `o` (byte for byte). */
export function hasAscii(b: Uint8Array, o: number, ascii: string): boolean {
  if (o < 0 || o + ascii.length > b.length) return false;
  for (let i = 0; i < ascii.length; i++) {
    if (b[o + i] !== ascii.charCodeAt(i)) return false;
  }
  return true;
}

/** The bytes at `o..o+n` as Latin-1, clipped to the input: safe for labels and brand codes. */
export function latin1(b: Uint8Array, o: number, n: number): string {
  return String.fromCharCode(...b.subarray(o, Math.min(b.length, o + n)));
}

/** The parts one after another, in a new array. */
export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
