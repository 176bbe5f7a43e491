/**
 * Every image format the service knows, in one place: what it is called, its extension and
 * media type, whether originals are stored in it (or converted on the way in), whether the
 * engine writes it, whether it carries alpha or animation, and which codecs read and write it.
 * Other modules derive their tables from this one, so a format is added here first.
 */
export type FormatInfo = {
  /** For messages: "This is not a valid WebP image". */
  name: string;
  /** The canonical extension; for an output format, also its `format=` value. */
  extension: string;
  mime: string;
  /** Originals are kept in this format; otherwise ingest converts them (HEIC → JPEG …). */
  stored: boolean;
  /** The engine writes it: a `format=` value and an extension a link may ask for. */
  output: boolean;
  alpha: boolean;
  animation: boolean;
  /** The codecs that read and write it (src/codecs). */
  decoders: readonly string[];
  encoders: readonly string[];
};

export const FORMATS = {
  jpeg: {
    name: "JPEG",
    extension: "jpg",
    mime: "image/jpeg",
    stored: true,
    output: true,
    alpha: false,
    animation: false,
    decoders: ["libjpeg-turbo (wasm, DCT scaling)", "imagescript jpeg (wasm)"],
    encoders: ["baseline JPEG (TypeScript)"],
  },
  png: {
    name: "PNG",
    extension: "png",
    mime: "image/png",
    stored: true,
    output: true,
    alpha: true,
    animation: false,
    decoders: ["imagescript png (wasm)"],
    encoders: ["squoosh png (wasm)"],
  },
  gif: {
    name: "GIF",
    extension: "gif",
    mime: "image/gif",
    stored: true,
    output: true,
    alpha: true,
    animation: true,
    decoders: ["imagescript gif (wasm)"],
    encoders: ["gifenc"],
  },
  webp: {
    name: "WebP",
    extension: "webp",
    mime: "image/webp",
    stored: true,
    output: true,
    alpha: true,
    animation: false,
    decoders: ["libwebp (jsquash, wasm)"],
    encoders: ["libwebp (jsquash, wasm, SIMD)"],
  },
  avif: {
    name: "AVIF",
    extension: "avif",
    mime: "image/avif",
    stored: true,
    output: true,
    alpha: true,
    animation: false,
    decoders: ["libavif (jsquash, wasm)"],
    encoders: ["libavif (jsquash, wasm)"],
  },
  svg: {
    name: "SVG",
    extension: "svg",
    mime: "image/svg+xml",
    stored: true,
    output: false,
    alpha: true,
    animation: false,
    decoders: ["resvg (wasm), after sanitising"],
    encoders: [],
  },
  heic: {
    name: "HEIC/HEIF",
    extension: "heic",
    mime: "image/heic",
    stored: false,
    output: false,
    alpha: true,
    animation: false,
    decoders: ["libheif (wasm)"],
    encoders: [],
  },
  bmp: {
    name: "BMP",
    extension: "bmp",
    mime: "image/bmp",
    stored: false,
    output: false,
    alpha: true,
    animation: false,
    decoders: ["bmp_decode (TypeScript)"],
    encoders: [],
  },
  ico: {
    name: "ICO",
    extension: "ico",
    mime: "image/vnd.microsoft.icon",
    stored: false,
    output: false,
    alpha: true,
    animation: false,
    decoders: ["its PNG or BMP entry"],
    encoders: [],
  },
} as const satisfies Record<string, FormatInfo>;

export type FormatId = keyof typeof FORMATS;

type Where<P extends keyof FormatInfo> = {
  [K in FormatId]: (typeof FORMATS)[K][P] extends true ? K : never;
}[FormatId];

/** The formats originals are kept in. */
export type StoredId = Where<"stored">;
/** The formats the engine writes. */
export type OutputId = Where<"output">;

const ids = Object.keys(FORMATS) as FormatId[];

export const STORED_IDS = ids.filter((id) => FORMATS[id].stored) as StoredId[];
export const OUTPUT_IDS = ids.filter((id) => FORMATS[id].output) as OutputId[];

/** `{ jpeg: "jpg", … }` over the given formats. */
export function extensionsOf<K extends FormatId>(
  of: readonly K[],
): { [P in K]: (typeof FORMATS)[P]["extension"] } {
  return Object.fromEntries(of.map((id) => [id, FORMATS[id].extension])) as never;
}
