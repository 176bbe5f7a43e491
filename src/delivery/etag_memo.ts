/**
 * Strong ETags name exact bytes (same source, same canonical parameters, same engine). They are
 * memoised per service instance, as a hot variant would otherwise pay a digest per request.
 */
export class EtagMemo {
  readonly #tags = new Map<string, string>();

  constructor(private readonly engineVersion: string, private readonly maxEntries = 10_000) {}

  async of(sourceHash: string, key: string): Promise<string> {
    const memo = `${sourceHash}|${key}`;
    const known = this.#tags.get(memo);
    if (known) return known;
    const text = new TextEncoder().encode(`${this.engineVersion}|${key}`);
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", text));
    const tag = Array.from(digest.subarray(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
    if (this.#tags.size >= this.maxEntries) this.#tags.clear();
    const value = `"${sourceHash.slice(0, 32)}-${tag}"`;
    this.#tags.set(memo, value);
    return value;
  }
}
