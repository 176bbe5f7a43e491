/**
 * A file KV shared by several processes answers "database is locked" (SQLITE_BUSY) when another
 * process holds the write lock; the embedded KV does not wait for it. These are retried here with
 * a short jittered backoff (about 3 s in all) instead of reaching a caller as a 500. A failed
 * commit wrote nothing, so committing the same operation again is safe.
 */
const BUSY = /database is locked|database is busy|SQLITE_BUSY|SQLITE_LOCKED/i;
const ATTEMPTS = 20;

export const isBusy = (err: unknown) => err instanceof Error && BUSY.test(err.message);

export async function retryBusy<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0;; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isBusy(err) || attempt >= ATTEMPTS - 1) throw err;
      const ms = Math.min(250, 2 ** attempt) * (0.5 + Math.random());
      await new Promise((r) => setTimeout(r, ms));
    }
  }
}

/** Resumes a list from the last entry it yielded when a batch read hits a busy database. */
class RetryingList<T> implements AsyncIterableIterator<Deno.KvEntry<T>> {
  #inner: Deno.KvListIterator<T>;
  #cursor: string | undefined;
  #yielded = 0;

  constructor(
    private readonly kv: Deno.Kv,
    private readonly selector: Deno.KvListSelector,
    private readonly options: Deno.KvListOptions = {},
  ) {
    this.#inner = kv.list<T>(selector, options);
    this.#cursor = options.cursor;
  }

  get cursor(): string {
    return this.#cursor ?? "";
  }

  async next(): Promise<IteratorResult<Deno.KvEntry<T>>> {
    for (let attempt = 0;; attempt++) {
      try {
        const res = await this.#inner.next();
        if (!res.done) {
          this.#yielded++;
          this.#cursor = this.#inner.cursor;
        } else this.#cursor = this.#inner.cursor || this.#cursor;
        return res;
      } catch (err) {
        if (!isBusy(err) || attempt >= ATTEMPTS - 1) throw err;
        await new Promise((r) => setTimeout(r, Math.min(250, 2 ** attempt)));
        const limit = this.options.limit === undefined
          ? undefined
          : this.options.limit - this.#yielded;
        this.#inner = this.kv.list<T>(this.selector, {
          ...this.options,
          cursor: this.#cursor,
          limit,
        });
      }
    }
  }

  [Symbol.asyncIterator]() {
    return this;
  }
}

/** The same KV with every read, write, commit and list retried on a busy database. */
export function withBusyRetry(kv: Deno.Kv): Deno.Kv {
  return new Proxy(kv, {
    get(target, prop) {
      switch (prop) {
        case "get":
        case "getMany":
        case "set":
        case "delete":
          return (...args: unknown[]) =>
            retryBusy(() => (target[prop] as (...a: unknown[]) => Promise<unknown>)(...args));
        case "list":
          return (selector: Deno.KvListSelector, options?: Deno.KvListOptions) =>
            new RetryingList(target, selector, options);
        case "atomic":
          return () => {
            const op = target.atomic();
            const commit = op.commit.bind(op);
            op.commit = () => retryBusy(commit);
            return op;
          };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
