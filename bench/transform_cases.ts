/**
 * The operations the transform benchmarks time, shared by our engine's bench and sharp's
 * reference so both do the same work: same input, same output size, format and quality.
 */
export type Case = {
  id: string;
  name: string;
  fixture: string;
  /** Our query string. */
  query: string;
  /** The same operation in sharp's terms. */
  sharp: { resize?: { width: number; height: number }; blur?: number; format: "jpeg" | "webp" };
  quality: number;
  runs: number;
  /** How our figure is held against sharp's: at most `factor` × sharp's time. */
  target: { factor: number; label: string };
};

export const CASES: Case[] = [
  {
    id: "size_m",
    name: "size=m on large.jpg (3640x2400 → 971x640 JPEG), cold",
    fixture: "large.jpg",
    query: "size=m",
    sharp: { resize: { width: 971, height: 640 }, format: "jpeg" },
    quality: 80,
    runs: 7,
    target: { factor: 1.5, label: "≤ 1.5 × sharp" },
  },
  {
    id: "blur_250",
    name: "blur=250 on large.jpg (full size JPEG)",
    fixture: "large.jpg",
    query: "blur=250",
    sharp: { blur: 250, format: "jpeg" },
    quality: 80,
    runs: 3,
    target: { factor: 1, label: "faster than sharp" },
  },
  {
    id: "webp",
    name: "format=webp on portrait.jpg (512x512), cold",
    fixture: "portrait.jpg",
    query: "format=webp",
    sharp: { format: "webp" },
    quality: 80,
    runs: 10,
    target: { factor: Infinity, label: "(information)" },
  },
];

/** Where the sharp reference leaves its figures for the transforms bench to compare with. */
export const SHARP_RESULTS = new URL("../data/bench-sharp.json", import.meta.url);

export function median(sample: number[]): number {
  const s = [...sample].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
