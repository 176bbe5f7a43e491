import { hasAscii, latin1, u16le, u32be, u32le } from "../codecs/mod.ts";

/** The formats imagescript's FFI-free wasm decoders read (see src/codecs/wasm_codecs.ts). */
export type RasterFormat = "jpeg" | "png" | "gif";

/** Everything ingest accepts. HEIC/HEIF, BMP and ICO are converted on the way in. */
export type InputFormat = RasterFormat | "webp" | "avif" | "heic" | "svg" | "bmp" | "ico";

/** A label for what the bytes look like, for messages such as "detected pdf". */
export type Detected =
  | RasterFormat
  | "webp"
  | "avif"
  | "heic"
  | "heif"
  | "jxl"
  | "svg"
  | "bmp"
  | "ico"
  | "tiff"
  | "psd"
  | "pdf"
  | "zip"
  | "gzip"
  | "mp4"
  | "webm"
  | "html"
  | "xml"
  | "text"
  | "empty"
  | "unknown";

/** `format` is null when the bytes are of a kind ingest refuses (415); `detected` names it. */
export type SniffResult = { format: InputFormat | null; detected: Detected };

// Enough to get past an XML prolog or a generator comment to the root element.
const MARKUP_WINDOW = 1024;
// HEIF without an HEVC brand still goes to libheif, which reads the other HEIF codecs it knows.
const ACCEPTED: Partial<Record<Detected, InputFormat>> = {
  jpeg: "jpeg",
  png: "png",
  gif: "gif",
  webp: "webp",
  avif: "avif",
  heic: "heic",
  heif: "heic",
  svg: "svg",
  bmp: "bmp",
  ico: "ico",
};

/**
 * Decides the format from magic bytes only: a file name or a Content-Type header is whatever
 * the client says it is, the bytes are what the decoders will actually see.
 */
export function sniff(bytes: Uint8Array): SniffResult {
  const detected = detect(bytes);
  return { format: ACCEPTED[detected] ?? null, detected };
}

function detect(b: Uint8Array): Detected {
  if (b.length === 0) return "empty";
  return magic(b) ?? markup(b) ?? (looksLikeText(b) ? "text" : "unknown");
}

function magic(b: Uint8Array): Detected | null {
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "jpeg";
  if (hasAscii(b, 0, "\x89PNG\r\n\x1a\n")) return "png";
  if (hasAscii(b, 0, "GIF87a") || hasAscii(b, 0, "GIF89a")) return "gif";
  if (hasAscii(b, 0, "RIFF") && hasAscii(b, 8, "WEBP")) return "webp";
  if (hasAscii(b, 4, "ftyp")) return isoBrand(b);
  if (b[0] === 0xff && b[1] === 0x0a) return "jxl";
  if (hasAscii(b, 0, "\0\0\0\x0cJXL \r\n\x87\n")) return "jxl";
  if (hasAscii(b, 0, "II*\0") || hasAscii(b, 0, "MM\0*")) return "tiff";
  if (hasAscii(b, 0, "II+\0") || hasAscii(b, 0, "MM\0+")) return "tiff"; // BigTIFF
  if (isBmp(b)) return "bmp";
  if (isIco(b)) return "ico";
  if (hasAscii(b, 0, "8BPS")) return "psd";
  if (hasAscii(b, 0, "%PDF-")) return "pdf";
  if (
    hasAscii(b, 0, "PK\x03\x04") || hasAscii(b, 0, "PK\x05\x06") || hasAscii(b, 0, "PK\x07\x08")
  ) {
    return "zip";
  }
  if (b[0] === 0x1f && b[1] === 0x8b) return "gzip";
  if (hasAscii(b, 0, "\x1a\x45\xdf\xa3")) return "webm";
  return null;
}

// AVIF and HEIC share the ISO-BMFF container with MP4; only the brands tell them apart.
function isoBrand(b: Uint8Array): Detected {
  const boxEnd = Math.min(b.length, Math.max(16, u32be(b, 0)));
  const brands = [latin1(b, 8, 4)];
  for (let o = 16; o + 4 <= boxEnd; o += 4) brands.push(latin1(b, o, 4));
  const has = (...names: string[]) => brands.some((brand) => names.includes(brand));
  const major = brands[0];
  if (["avif", "avis"].includes(major)) return "avif";
  if (HEIC_BRANDS.includes(major)) return "heic";
  if (has("avif", "avis")) return "avif";
  if (has(...HEIC_BRANDS)) return "heic";
  if (has("mif1", "msf1")) return "heif";
  return "mp4";
}
const HEIC_BRANDS = ["heic", "heix", "heim", "heis", "hevc", "hevx", "hevm", "hevs"];

// "BM" alone also starts ordinary text; the DIB header size pins it down.
function isBmp(b: Uint8Array): boolean {
  return b.length >= 18 && hasAscii(b, 0, "BM") &&
    [12, 16, 40, 52, 56, 64, 108, 124].includes(u32le(b, 14));
}

// Type 1 is an icon, type 2 a cursor; both carry at least one image.
function isIco(b: Uint8Array): boolean {
  return b.length >= 6 && b[0] === 0 && b[1] === 0 && (b[2] === 1 || b[2] === 2) &&
    b[3] === 0 && u16le(b, 4) > 0;
}

const HTML_TAGS = [
  "!doctype html",
  "html",
  "head",
  "body",
  "script",
  "iframe",
  "style",
  "title",
  "table",
  "div",
  "font",
  "h1",
  "br",
  "a",
  "b",
  "p",
];

// Mirrors the WHATWG MIME sniffing rules: leading whitespace is skipped, tags are matched
// case-insensitively and must end with a space or ">".
function markup(b: Uint8Array): Detected | null {
  let o = hasAscii(b, 0, "\xef\xbb\xbf") ? 3 : 0;
  while (o < b.length && [0x09, 0x0a, 0x0c, 0x0d, 0x20].includes(b[o])) o++;
  if (b[o] !== 0x3c) return null; // "<"
  const head = latin1(b, o, MARKUP_WINDOW).toLowerCase();
  const isTag = (tag: string) => {
    const end = head.charCodeAt(tag.length + 1);
    return head.startsWith(`<${tag}`) && (end === 0x20 || end === 0x3e);
  };
  if (HTML_TAGS.some(isTag)) return "html";
  // SVG files often open with an XML prolog, a doctype or a generator comment first.
  if (/<svg[\s>]/.test(head)) return "svg";
  if (head.startsWith("<?xml")) return "xml";
  if (head.startsWith("<!--")) return "html";
  return null;
}

// UTF-8 (or a UTF-16 BOM) without the control bytes that never occur in text (WHATWG "binary
// data byte"). Legacy 8-bit encodings come out "unknown", which only affects the label.
function looksLikeText(b: Uint8Array): boolean {
  if ((b[0] === 0xfe && b[1] === 0xff) || (b[0] === 0xff && b[1] === 0xfe)) return true;
  const head = b.subarray(0, MARKUP_WINDOW);
  for (const c of head) {
    if (c <= 0x08 || c === 0x0b || (c >= 0x0e && c <= 0x1a) || (c >= 0x1c && c <= 0x1f)) {
      return false;
    }
  }
  try {
    // `stream` tolerates a multi-byte character cut off by the window.
    new TextDecoder("utf-8", { fatal: true }).decode(head, { stream: head.length < b.length });
    return true;
  } catch {
    return false;
  }
}
