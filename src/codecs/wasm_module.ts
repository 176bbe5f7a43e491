import { codecUnavailable } from "../imaging/errors.ts";

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
 * One live instance of a codec built from a compiled module. Any failure drops the instance:
 * after a trap (or an Emscripten abort) its memory and allocator can be in any state, and a fresh
 * instance from the cached module costs a millisecond.
 */
export class CodecInstance<T> {
  #instance: Promise<T> | null = null;

  constructor(
    private readonly specifier: string,
    private readonly instantiate: (module: WebAssembly.Module) => T | Promise<T>,
  ) {}

  /** Throws AppError("internal_error") when the wasm cannot be loaded on this server. */
  async get(): Promise<T> {
    this.#instance ??= compileWasm(this.specifier).then(this.instantiate);
    try {
      return await this.#instance;
    } catch (cause) {
      this.#instance = null;
      throw codecUnavailable(cause);
    }
  }

  /** Runs `use` on the instance; whatever `use` throws is rethrown after the instance is dropped. */
  async run<R>(use: (instance: T) => R | Promise<R>): Promise<R> {
    const instance = await this.get();
    try {
      return await use(instance);
    } catch (error) {
      this.#instance = null;
      throw error;
    }
  }
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
