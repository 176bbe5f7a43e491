import { initWasm, Resvg } from "@resvg/resvg-wasm";
import { codecUnavailable } from "./errors.ts";
import { compileWasm } from "./wasm_module.ts";

let ready: Promise<void> | null = null;

/**
 * resvg-wasm allows one initWasm() per process (wasm-bindgen keeps a module-wide instance), so
 * every user of resvg, ingest and the transforms alike, must come through here. That instance
 * cannot be replaced after a trap; ingest only parses (no rendering) on XML that saxes has
 * already checked, which keeps the inputs that reach it well-formed.
 */
export async function loadResvg(): Promise<typeof Resvg> {
  ready ??= compileWasm("@resvg/resvg-wasm/index_bg.wasm").then((module) => initWasm(module));
  try {
    await ready;
  } catch (cause) {
    ready = null;
    throw codecUnavailable(cause);
  }
  return Resvg;
}

/** The intrinsic size resvg gives the document: width/height, else the viewBox, else 100×100. */
export async function svgSize(svg: string): Promise<{ width: number; height: number }> {
  const Renderer = await loadResvg();
  const tree = new Renderer(svg);
  try {
    return { width: tree.width, height: tree.height };
  } finally {
    tree.free();
  }
}
