import { codecUnavailable } from "./errors.ts";

const compiled = new Map<string, Promise<WebAssembly.Module>>();

/**
 * Compiles a package's .wasm once per process. The path comes from the import map, so the version
 * is the pinned one; the file is read from the npm cache with --allow-read and never fetched
 * at request time. A failed compile is forgotten so that the next request tries again.
 */
export function compileWasm(specifier: string): Promise<WebAssembly.Module> {
  let module = compiled.get(specifier);
  if (!module) {
    module = Deno.readFile(new URL(import.meta.resolve(specifier)))
      .then((bytes) => WebAssembly.compile(bytes));
    module.catch(() => compiled.delete(specifier));
    compiled.set(specifier, module);
  }
  return module;
}

/**
 * One live instance of a codec, the one wrapper every wasm codec goes through. Any failure drops
 * the instance: after a trap (or an Emscripten abort) its memory and allocator can be in any
 * state, and a fresh instance from the cached module costs a millisecond. An instance is kept
 * while it is healthy: a fresh one per decode regrows its memory from nothing (slower), and the
 * garbage collector frees wasm memories too late (ten large JPEGs in a row peaked near 800 MB
 * instead of about 230 MB).
 */
export class CodecInstance<T> {
  #instance: Promise<T> | null = null;
  /** The instance `#instance` resolved to, for synchronous use (runLoaded). */
  #live: T | null = null;
  readonly #create: () => Promise<T>;
  readonly #renew: (() => T) | undefined;

  /** From a package's .wasm (compiled once per process, see compileWasm). */
  constructor(specifier: string, instantiate: (module: WebAssembly.Module) => T | Promise<T>);
  /** From functions that make an instance, and another one synchronously (see wrapperInstance). */
  constructor(maker: { create(): Promise<T>; renew(): T });
  constructor(
    source: string | { create(): Promise<T>; renew(): T },
    instantiate?: (module: WebAssembly.Module) => T | Promise<T>,
  ) {
    if (typeof source === "string") {
      this.#create = () => compileWasm(source).then(instantiate!);
    } else {
      this.#create = () => source.create();
      this.#renew = () => source.renew();
    }
  }

  /**
   * Makes the instance when there is none. Throws what loading throws; a failed load is
   * forgotten, so the next call tries again.
   */
  load(): Promise<T> {
    if (!this.#instance) {
      const made = this.#create().then((instance) => this.#live = instance);
      made.catch(() => {
        if (this.#instance === made) this.#instance = null;
      });
      this.#instance = made;
    }
    return this.#instance;
  }

  /** Throws AppError("internal_error") when the wasm cannot be loaded on this server. */
  async get(): Promise<T> {
    try {
      return await this.load();
    } catch (cause) {
      throw codecUnavailable(cause);
    }
  }

  /** Runs `use` on the instance; whatever `use` throws is rethrown after the instance is dropped. */
  async run<R>(use: (instance: T) => R | Promise<R>): Promise<R> {
    const instance = await this.get();
    try {
      return await use(instance);
    } catch (error) {
      this.#drop();
      throw error;
    }
  }

  /**
   * Runs `use` synchronously, so that uses never interleave, once an awaited `load()` succeeded.
   * Like `run`, a throw drops the instance; the next use makes another (synchronously, when the
   * codec can).
   */
  runLoaded<R>(use: (instance: T) => R): R {
    const instance = this.#live ?? this.#renewNow();
    try {
      return use(instance);
    } catch (error) {
      this.#drop();
      throw error;
    }
  }

  #renewNow(): T {
    if (!this.#renew) throw new Error("the codec was not loaded before use");
    const instance = this.#renew();
    this.#live = instance;
    this.#instance = Promise.resolve(instance);
    return instance;
  }

  #drop() {
    this.#instance = null;
    this.#live = null;
  }
}

/**
 * The shape of imagescript's CommonJS wasm wrappers. `init()` compiles the module once and
 * caches that internally, but every call, like `new()`, returns a new instance.
 */
export type WasmWrapper<T> = { init(): Promise<T>; "new"(): T };

/** A CodecInstance over such a wrapper: `init()` until it succeeds once, then `new()`. */
export function wrapperInstance<T>(wrapper: WasmWrapper<T>): CodecInstance<T> {
  let compiled = false;
  return new CodecInstance({
    async create() {
      if (compiled) return wrapper.new();
      const first = await wrapper.init();
      compiled = true;
      return first;
    },
    renew: () => wrapper.new(),
  });
}

type EmscriptenFactory<T> = (options: Record<string, unknown>) => Promise<T>;

/**
 * Instantiates an Emscripten module factory from an already compiled module, as jsquash's
 * initEmscriptenModule does, so that each call yields a separate instance.
 */
export function emscripten<T>(factory: unknown) {
  return (module: WebAssembly.Module): Promise<T> =>
    (factory as EmscriptenFactory<T>)({
      noInitialRun: true,
      instantiateWasm(imports: WebAssembly.Imports, done: (i: WebAssembly.Instance) => void) {
        const instance = new WebAssembly.Instance(module, imports);
        done(instance);
        return instance.exports;
      },
    });
}
