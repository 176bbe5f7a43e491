import { FORMATS } from "../formats/mod.ts";
import { AppError } from "../../domain/errors.ts";
import type { Detected, InputFormat } from "../imaging/mod.ts";

const NAMES: Record<InputFormat, string> = Object.fromEntries(
  Object.entries(FORMATS).map(([id, f]) => [id, f.name]),
) as Record<InputFormat, string>;

const ACCEPTED_LIST = "JPEG, PNG, GIF, WebP, AVIF, HEIC, SVG, BMP or ICO";

/** The file claims a format but its bytes do not hold a whole, decodable image of it. */
export function invalidImage(format: InputFormat, reason: string, cause?: unknown): AppError {
  const error = new AppError(
    "invalid_image",
    `This is not a valid ${NAMES[format]} image: ${reason}.`,
    {
      hint: "Upload the complete, undamaged file; if it opens elsewhere, re-export it from an " +
        "image editor and try again.",
    },
  );
  // Kept for server logs only; the envelope renders code, message and action.
  if (cause !== undefined) error.cause = cause;
  return error;
}

/** Zero bytes: most often a form that was sent before a file was picked. */
export function emptyFile(): AppError {
  return new AppError("invalid_image", "The file is empty.", {
    field: "file",
    hint: "Send the image's bytes in the `file` field.",
  });
}

/** The bytes are of a kind the service does not take; `detected` names it for the message. */
export function unsupportedFormat(detected: Detected): AppError {
  return new AppError("unsupported_format", `Unsupported file type (detected: ${detected}).`, {
    field: "file",
    hint: `Upload a ${ACCEPTED_LIST} image.`,
  });
}

/** SVG has its own, smaller limit for every caller, so registering would not help: "fix". */
export function svgTooLarge(size: number, limit: number): AppError {
  const mb = (n: number) => `${Math.round(n / 104_857.6) / 10} MB`;
  return new AppError(
    "file_too_large",
    `The SVG is ${mb(size)}; SVG files may be at most ${mb(limit)}.`,
    {
      field: "file",
      hint: "Simplify or minify the SVG, or upload it as a PNG or WebP instead.",
      extra: { size, limit },
    },
  );
}

/** Not the uploader's fault: a codec's wasm could not be read or compiled on this server. */
export function codecUnavailable(cause: unknown): AppError {
  const error = new AppError("internal_error", "The image decoder is unavailable.", {
    retryAfter: 30,
  });
  error.cause = cause;
  return error;
}

type TooLarge =
  | { kind: "pixels"; width: number; height: number; limit: number }
  | { kind: "frames"; frames: number; limit: number }
  | { kind: "animation"; frames: number; pixels: number; limit: number };

/** Refused from the header alone, before the decoders allocate what the header claims. */
export function imageTooLarge(t: TooLarge): AppError {
  const [message, hint] = t.kind === "pixels"
    ? [
      `The image is ${t.width}x${t.height} pixels (${amount(t.width * t.height)}); ` +
      `the limit is ${amount(t.limit)}.`,
      `Scale the image down to at most ${amount(t.limit)} and upload it again.`,
    ]
    : t.kind === "frames"
    ? [
      `The animation has ${t.frames} frames; the limit is ${t.limit}.`,
      `Remove frames so that at most ${t.limit} remain, and upload it again.`,
    ]
    : [
      `The animation has ${amount(t.pixels)} over its ${t.frames} frames; ` +
      `the limit is ${amount(t.limit)}.`,
      "Use fewer frames or smaller frames, and upload it again.",
    ];
  const { kind: _kind, ...extra } = t;
  return new AppError("image_too_large", message, { hint, extra });
}

// Megapixels read better in messages; tiny limits (tests, strict configs) stay in pixels.
function amount(pixels: number): string {
  if (pixels < 1_000_000) return `${pixels} pixels`;
  const mp = Math.round(pixels / 100_000) / 10;
  return `${mp} megapixels`;
}

/**
 * For a codec's failure: an AppError (a limit, a codec that cannot load) keeps its meaning;
 * anything else the codec threw (Error, RuntimeError trap, string) means the data is bad.
 */
export function asInvalid(format: InputFormat, cause: unknown): AppError {
  if (cause instanceof AppError) return cause;
  return invalidImage(format, "the image data is corrupt or truncated", cause);
}
