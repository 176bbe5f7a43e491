/** Time is passed in, never read from globals, so tests and `expire --now` can fix it. */
export type Clock = { now(): number };

export const systemClock: Clock = { now: () => Date.now() };

export const fixedClock = (
  ms: number,
): Clock & { set(ms: number): void; advance(ms: number): void } => {
  let t = ms;
  return { now: () => t, set: (v) => void (t = v), advance: (d) => void (t += d) };
};

export const toUnixSeconds = (ms: number) => Math.floor(ms / 1000);
