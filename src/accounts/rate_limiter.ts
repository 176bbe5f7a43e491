import { kvKeys } from "../kv_keys.ts";

export type Window = { seconds: number; limit: number };

/** A granted attempt; `refund()` gives it back (e.g. a login that succeeded, an upload that failed). */
export type Reservation = { ok: true; refund(): Promise<void> } | { ok: false; wait: number };

const MAX_TRIES = 32;

type Slot = { key: Deno.KvKey; limit: number; resetsIn: number; expireIn: number };

/**
 * Fixed-window counters in KV, each expiring with its window. They are not events: hot, no
 * audit value. An attempt takes its place *before* the work with a compare-and-set over all its
 * windows, so however many requests arrive at once, exactly `limit` get through a window.
 */
export class RateLimiter {
  constructor(private readonly kv: Deno.Kv) {}

  #slots(scope: string, subject: string, windows: Window[], nowMs: number): Slot[] {
    const now = Math.floor(nowMs / 1000);
    return windows.map((w) => {
      const index = Math.floor(now / w.seconds);
      return {
        key: kvKeys.rateLimits.window(scope, subject, w.seconds, index),
        limit: w.limit,
        resetsIn: (index + 1) * w.seconds - now,
        expireIn: w.seconds * 1000 + 60_000,
      };
    });
  }

  /** Adds `delta` to every slot in one atomic, unless a slot would pass its limit. */
  async #update(slots: Slot[], delta: 1 | -1): Promise<number> {
    for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
      const current = await this.kv.getMany<number[]>(slots.map((s) => s.key));
      if (delta > 0) {
        const wait = Math.max(
          0,
          ...slots.map((s, i) => (current[i].value ?? 0) >= s.limit ? s.resetsIn : 0),
        );
        if (wait > 0) return wait;
      }
      const op = this.kv.atomic();
      slots.forEach((s, i) => {
        op.check(current[i]);
        op.set(s.key, Math.max(0, (current[i].value ?? 0) + delta), { expireIn: s.expireIn });
      });
      if ((await op.commit()).ok) return 0;
    }
    // Extreme contention on one client's counter: ask it to slow down rather than spin.
    return 1;
  }

  async reserve(
    scope: string,
    subject: string,
    windows: Window[],
    nowMs: number,
  ): Promise<Reservation> {
    const slots = this.#slots(scope, subject, windows, nowMs);
    const wait = await this.#update(slots, 1);
    if (wait > 0) return { ok: false, wait };
    return { ok: true, refund: async () => void await this.#update(slots, -1) };
  }
}
