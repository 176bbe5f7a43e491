/**
 * The hostile SVGs of issue 13, built small: each is a few bytes to a few MB that an unbounded
 * rasteriser turns into seconds to minutes of work and gigabytes of memory.
 */
const NS = `xmlns="http://www.w3.org/2000/svg"`;

/** 220 bytes: one huge blur over an 8000×6000 canvas (26–28 s and 4 GB before the budget). */
export const blurBomb = () =>
  `<svg ${NS} width="8000" height="6000">` +
  `<filter id="f"><feGaussianBlur stdDeviation="5000"/></filter>` +
  `<rect width="8000" height="6000" fill="#08f" filter="url(#f)"/></svg>`;

/** About 13 KB: 200 full-canvas rects, each with its own filter application (77 s, 6.5 GB). */
export const filteredRects = (n = 200) =>
  `<svg ${NS} width="8000" height="6000"><filter id="f"><feGaussianBlur stdDeviation="50"/>` +
  `<feOffset dx="5" dy="5"/></filter>` +
  Array.from(
    { length: n },
    (_, i) => `<rect x="${i}" y="${i}" width="8000" height="6000" filter="url(#f)"/>`,
  ).join("") +
  `</svg>`;

/** A single <path> of `points` points zig-zagging across a 1000×1000 drawing (about 5 MB). */
export const pointPath = (points = 600_000) => {
  let d = "M0 0";
  for (let i = 1; i < points; i++) d += `L${i % 1000} ${(i * 7919) % 1000}`;
  return `<svg ${NS} width="1000" height="1000"><path d="${d}"/></svg>`;
};

/** What a designer exports: a few shapes with a drop shadow, at 512×512. */
export const shadowedIcon = () =>
  `<svg ${NS} width="512" height="512" viewBox="0 0 24 24">` +
  `<filter id="s"><feGaussianBlur in="SourceAlpha" stdDeviation="0.5"/><feOffset dx="0.5" ` +
  `dy="0.5"/><feMerge><feMergeNode/><feMergeNode in="SourceGraphic"/></feMerge></filter>` +
  `<circle cx="12" cy="12" r="9" fill="#fc0" filter="url(#s)"/>` +
  `<path d="M7 14c1.5 2 3 3 5 3s3.5-1 5-3" fill="none" stroke="#333" stroke-width="1.2"/>` +
  `<circle cx="9" cy="10" r="1.2"/><circle cx="15" cy="10" r="1.2"/></svg>`;
