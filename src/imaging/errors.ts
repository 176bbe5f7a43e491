import { AppError } from "../http/app_error.ts";
import type { RasterFormat } from "./sniff.ts";

const NAMES: Record<RasterFormat, string> = { jpeg: "JPEG", png: "PNG", gif: "GIF" };

/** The file claims a format but its bytes do not hold a whole, decodable image of it. */
export function invalidImage(format: RasterFormat, reason: string, cause?: unknown): AppError {
  const error = new AppError(
    "invalid_image",
    `This is not a valid ${NAMES[format]} image: ${reason}.`,
    {
      type: "fix",
      hint: "Upload the complete, undamaged file; if it opens elsewhere, re-export it from an " +
        "image editor and try again.",
    },
  );
  // Kept for server logs only; the envelope renders code, message and action.
  if (cause !== undefined) error.cause = cause;
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
  return new AppError("image_too_large", message, { type: "fix", hint }, extra);
}

// Megapixels read better in messages; tiny limits (tests, strict configs) stay in pixels.
function amount(pixels: number): string {
  if (pixels < 1_000_000) return `${pixels} pixels`;
  const mp = Math.round(pixels / 100_000) / 10;
  return `${mp} megapixels`;
}
