/**
 * A byte-bounded least-recently-used map. A Map iterates in insertion order, so re-inserting on
 * every hit keeps the least recently used entry first.
 */
export class MemoryLru<V> {
  readonly #items = new Map<string, { value: V; size: number }>();
  #bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get bytes() {
    return this.#bytes;
  }

  get(key: string): V | undefined {
    const item = this.#items.get(key);
    if (!item) return undefined;
    this.#items.delete(key);
    this.#items.set(key, item);
    return item.value;
  }

  set(key: string, value: V, size: number): void {
    if (size > this.maxBytes) return;
    this.delete(key);
    this.#items.set(key, { value, size });
    this.#bytes += size;
    for (const [oldest, item] of this.#items) {
      if (this.#bytes <= this.maxBytes) break;
      this.#items.delete(oldest);
      this.#bytes -= item.size;
    }
  }

  delete(key: string): void {
    const item = this.#items.get(key);
    if (!item) return;
    this.#items.delete(key);
    this.#bytes -= item.size;
  }

  deleteWhere(match: (key: string) => boolean): void {
    for (const key of [...this.#items.keys()]) if (match(key)) this.delete(key);
  }
}
