/**
 * Fixed-window counters in KV (atomic sums that expire with their window). They are not events:
 * hot, no audit value. A check reads before the work and the hit is counted after it succeeds,
 * so concurrent requests can overshoot a window by a few; quotas, which must be exact, are events.
 */
export class RateLimiter {
  constructor(private readonly kv: Deno.Kv) {}

  #key(scope: string, subject: string, windowSeconds: number, nowMs: number): [Deno.KvKey, number] {
    const window = Math.floor(nowMs / 1000 / windowSeconds);
    const resetsIn = (window + 1) * windowSeconds - Math.floor(nowMs / 1000);
    return [["rl", scope, subject, windowSeconds, window], resetsIn];
  }

  /** Seconds to wait if any window is full, else 0. */
  async blockedFor(
    scope: string,
    subject: string,
    windows: { seconds: number; limit: number }[],
    nowMs: number,
  ) {
    const keys = windows.map((w) => this.#key(scope, subject, w.seconds, nowMs));
    const counts = await this.kv.getMany<Deno.KvU64[]>(keys.map(([k]) => k));
    let wait = 0;
    windows.forEach((w, i) => {
      const used = Number(counts[i].value?.value ?? 0n);
      if (used >= w.limit) wait = Math.max(wait, keys[i][1]);
    });
    return wait;
  }

  async hit(scope: string, subject: string, windowSeconds: number[], nowMs: number): Promise<void> {
    await this.kv.atomic().mutate(...windowSeconds.map((s) => {
      const [key] = this.#key(scope, subject, s, nowMs);
      return { type: "sum" as const, key, value: new Deno.KvU64(1n), expireIn: s * 1000 + 60_000 };
    })).commit();
  }
}
