/**
 * Strict parsers for the canonical text forms of IP addresses: what DNS answers and the WHATWG
 * URL parser produce. Legacy spellings (`0x7f.1`, `2130706433`, `0177.0.0.1`) never reach here:
 * `new URL()` already rewrites them to dotted quads, and anything else that is not canonical is
 * treated as "not an address" and goes on to the host-name rules, which refuse it.
 */

/** 4 bytes for IPv4, 16 for IPv6. */
export type IpBytes = Uint8Array;

const DECIMAL_OCTET = /^(0|[1-9][0-9]{0,2})$/;

export function parseIPv4(text: string): IpBytes | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    // Leading zeros are refused rather than guessed at: inet_aton reads them as octal.
    if (!DECIMAL_OCTET.test(parts[i])) return null;
    const n = Number(parts[i]);
    if (n > 255) return null;
    out[i] = n;
  }
  return out;
}

const HEX_GROUP = /^[0-9a-f]{1,4}$/i;

/** RFC 4291 §2.2 text forms, with or without URL brackets; zone ids are not accepted. */
export function parseIPv6(text: string): IpBytes | null {
  let s = text;
  if (s.startsWith("[") && s.endsWith("]")) s = s.slice(1, -1);
  if (s.length < 2 || s.includes("%")) return null;

  const words: number[] = [];
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const head = halves[0] === "" ? [] : halves[0].split(":");
  const tail = halves.length === 2 ? (halves[1] === "" ? [] : halves[1].split(":")) : [];

  const groups = (parts: string[], last: boolean): number[] | null => {
    const out: number[] = [];
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      if (last && i === parts.length - 1 && part.includes(".")) {
        const v4 = parseIPv4(part);
        if (!v4) return null;
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else if (HEX_GROUP.test(part)) {
        out.push(parseInt(part, 16));
      } else {
        return null;
      }
    }
    return out;
  };

  const h = groups(head, halves.length === 1);
  const t = groups(tail, true);
  if (!h || !t) return null;
  if (halves.length === 1) {
    if (h.length !== 8) return null;
    words.push(...h);
  } else {
    const missing = 8 - h.length - t.length;
    // "::" stands for at least one zero group.
    if (missing < 1) return null;
    words.push(...h, ...new Array<number>(missing).fill(0), ...t);
  }
  const out = new Uint8Array(16);
  words.forEach((w, i) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  });
  return out;
}

export function parseIp(text: string): IpBytes | null {
  return parseIPv4(text) ?? parseIPv6(text);
}

export function formatIPv4(b: IpBytes, offset = 0): string {
  return `${b[offset]}.${b[offset + 1]}.${b[offset + 2]}.${b[offset + 3]}`;
}

/** The compressed RFC 5952 form, as `new URL()` would print it (without brackets). */
export function formatIPv6(b: IpBytes): string {
  const words = Array.from({ length: 8 }, (_, i) => (b[2 * i] << 8) | b[2 * i + 1]);
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  const hex = (ws: number[]) => ws.map((w) => w.toString(16)).join(":");
  if (best < 0) return hex(words);
  return `${hex(words.slice(0, best))}::${hex(words.slice(best + bestLen))}`;
}

export function formatIp(b: IpBytes): string {
  return b.length === 4 ? formatIPv4(b) : formatIPv6(b);
}

/** True when the first `bits` bits of `addr` equal those of `prefix`. */
export function inPrefix(addr: IpBytes, prefix: IpBytes, bits: number): boolean {
  if (addr.length !== prefix.length) return false;
  const whole = bits >> 3;
  for (let i = 0; i < whole; i++) if (addr[i] !== prefix[i]) return false;
  const rest = bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (addr[whole] & mask) === (prefix[whole] & mask);
}
