// heic-decode's lib.js takes the libheif instance as an argument; its index.js would instantiate
// libheif's 2 MB base64 bundle at import time and keep that one instance forever.
// @ts-types="./heic_decode.d.ts"
import heicDecodeLib, { type HeicDecode } from "heic-decode/lib.js";
// @ts-types="./libheif.d.ts"
import libheifFactory from "libheif-js/libheif-wasm/libheif.js";
import { asRgba, type Rgba } from "./rgba.ts";
import { CodecInstance } from "./wasm_module.ts";

// A decode that traps inside libheif's own setTimeout callback would never settle.
const DECODE_DEADLINE_MS = 20_000;

const heif = new CodecInstance<HeicDecode>(
  "libheif-js/libheif-wasm/libheif.wasm",
  (module) => {
    const libheif = libheifFactory({
      instantiateWasm(imports: WebAssembly.Imports, done: (i: WebAssembly.Instance) => void) {
        const instance = new WebAssembly.Instance(module, imports);
        done(instance);
        return instance.exports;
      },
    });
    return heicDecodeLib(libheif);
  },
);

/** A decode at a time: libheif reports a trap from a timer, where only a pending decode is owed it. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * Decodes the first top-level image, as heic-decode's default export does, after `check` has
 * seen the size libheif will allocate (ispe, after rotation). libheif applies the container's
 * rotation and mirroring, so the pixels come out as displayed.
 */
export function decodeHeic(
  bytes: Uint8Array,
  check: (width: number, height: number) => void,
): Promise<Rgba> {
  const run = queue.then(() => heif.run((codec) => decodeFirst(codec, bytes, check)));
  queue = run.catch(() => {});
  return run;
}

async function decodeFirst(
  codec: HeicDecode,
  bytes: Uint8Array,
  check: (width: number, height: number) => void,
): Promise<Rgba> {
  // libheif's wrapper console.logs each parse failure; they are the uploader's, and harmless.
  const images = await codec.all({ buffer: bytes });
  try {
    const first = images[0];
    check(first.width, first.height);
    return asRgba(await withinDeadline(first.decode()));
  } finally {
    images.dispose();
  }
}

function withinDeadline<T>(work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onTrap: ((e: PromiseRejectionEvent) => void) | undefined;
  const failed = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error("libheif did not finish decoding")),
      DECODE_DEADLINE_MS,
    );
    // The trap surfaces as an unhandled rejection from libheif's timer; left alone it would end
    // the process.
    onTrap = (event) => {
      if (!(event.reason instanceof WebAssembly.RuntimeError)) return;
      event.preventDefault();
      reject(event.reason);
    };
    globalThis.addEventListener("unhandledrejection", onTrap);
  });
  return Promise.race([work, failed]).finally(() => {
    clearTimeout(timer);
    globalThis.removeEventListener("unhandledrejection", onTrap!);
  });
}
