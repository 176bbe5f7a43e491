import { NAMED_COLOURS } from "./css_named_colors.ts";

export type Rgba8 = [number, number, number, number];

/**
 * Parses the CSS colours SPEC §5 lists: `#rgb`, `#rgba`, `#rrggbb`, `#rrggbbaa` (the `#` may be
 * left out, since an unescaped `#` ends a URL), named colours, `transparent`, and
 * `rgb()`/`rgba()` with numbers or percentages, comma- or space-separated. Null when invalid.
 */
export function parseCssColour(input: string): Rgba8 | null {
  const s = input.trim().toLowerCase();
  if (s === "transparent") return [0, 0, 0, 0];
  const named = NAMED_COLOURS[s];
  if (named !== undefined) return [named >> 16, (named >> 8) & 255, named & 255, 255];
  const hex = /^#?([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/.exec(s)?.[1];
  if (hex) return parseHex(hex);
  return parseRgbFunction(s);
}

function parseHex(hex: string): Rgba8 {
  const digits = hex.length <= 4 ? [...hex].map((c) => c + c) : hex.match(/../g)!;
  const [r, g, b, a = "ff"] = digits.map((d) => d);
  return [parseInt(r, 16), parseInt(g, 16), parseInt(b, 16), parseInt(a, 16)];
}

const NUMBER = /^[+]?(\d+(\.\d*)?|\.\d+)(%?)$/;

function parseRgbFunction(s: string): Rgba8 | null {
  const m = /^rgba?\(\s*(.*?)\s*\)$/.exec(s);
  if (!m) return null;
  const body = m[1];
  // Legacy syntax: four comma-separated values; modern: spaces, then an optional "/ alpha".
  let parts: string[];
  if (body.includes(",")) {
    parts = body.split(",").map((p) => p.trim());
  } else {
    const [rgb, alpha, ...rest] = body.split("/").map((p) => p.trim());
    if (rest.length) return null;
    parts = rgb.split(/\s+/);
    if (alpha !== undefined) parts.push(alpha);
  }
  if (parts.length !== 3 && parts.length !== 4) return null;
  const channels: number[] = [];
  for (const [i, part] of parts.entries()) {
    const n = NUMBER.exec(part);
    if (!n) return null;
    const value = Number(n[1]);
    const percent = n[3] === "%";
    if (i < 3) channels.push(clamp(percent ? (value * 255) / 100 : value));
    else channels.push(clamp((percent ? value / 100 : value) * 255));
  }
  if (channels.length === 3) channels.push(255);
  return channels as Rgba8;
}

const clamp = (v: number) => Math.max(0, Math.min(255, Math.round(v)));
