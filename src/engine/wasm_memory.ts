/**
 * Counts the WebAssembly memory of this Worker's codecs. `Deno.memoryUsage()` sees the JS heap
 * and ArrayBuffers but not wasm linear memory, which is what a large decode grows (and a wasm
 * memory never shrinks). Every memory made here, or exported by an instance made here, is
 * remembered (weakly), so any codec, whichever way it instantiates, is counted.
 */
export function trackWasmMemory(): () => number {
  const memories = new Set<WeakRef<WebAssembly.Memory>>();
  const seen = new WeakSet<WebAssembly.Memory>();
  const Memory = WebAssembly.Memory;
  const remember = (m: unknown) => {
    if (m instanceof Memory && !seen.has(m)) {
      seen.add(m);
      memories.add(new WeakRef(m));
    }
  };
  const fromInstance = (instance: WebAssembly.Instance) => {
    for (const value of Object.values(instance.exports)) remember(value);
  };
  // The namespace's members are read-only in its type, not at run time: replace them by name.
  Reflect.set(
    WebAssembly,
    "Memory",
    new Proxy(Memory, {
      construct(target, args, newTarget) {
        const m = Reflect.construct(target, args, newTarget);
        remember(m);
        return m;
      },
    }),
  );
  Reflect.set(
    WebAssembly,
    "Instance",
    new Proxy(WebAssembly.Instance, {
      construct(target, args, newTarget) {
        const i = Reflect.construct(target, args, newTarget) as WebAssembly.Instance;
        fromInstance(i);
        return i;
      },
    }),
  );
  for (const name of ["instantiate", "instantiateStreaming"] as const) {
    const original = WebAssembly[name] as (...a: unknown[]) => Promise<unknown>;
    Reflect.set(WebAssembly, name, async (...args: unknown[]) => {
      const out = await original.apply(WebAssembly, args);
      fromInstance(
        out instanceof WebAssembly.Instance
          ? out
          : (out as WebAssembly.WebAssemblyInstantiatedSource).instance,
      );
      return out;
    });
  }
  return () => {
    let total = 0;
    for (const ref of memories) {
      const m = ref.deref();
      if (m) total += m.buffer.byteLength;
      else memories.delete(ref);
    }
    return total;
  };
}

/**
 * What a Worker reports after each job: its JS heap, its ArrayBuffers and its wasm memories.
 * Imported first by the Worker's entry, so the counting is in place before any codec loads.
 */
export const workerMemoryBytes: () => number = (() => {
  const wasm = trackWasmMemory();
  return () => {
    const m = Deno.memoryUsage();
    return m.heapTotal + m.external + wasm();
  };
})();
