import { perCallerShare } from "../../src/http/mod.ts";
import { DEFAULT_BODY_MAX_BYTES } from "../../src/http/mod.ts";
import { CAPTION_MAX, METADATA_MAX_FIELDS, METADATA_VALUE_MAX } from "../../domain/image/events.ts";
import { TTL_MAX_SECONDS, TTL_MIN_SECONDS } from "../../domain/image/retention.ts";
import type { Config } from "../../src/config.ts";
import { formatBytes } from "../../src/format_bytes.ts";
import { SVG_BUDGET } from "../../src/imaging/mod.ts";
import { MCP_UPLOAD_MAX_BYTES } from "../mcp/tool_specs.ts";

// Both forms: people read "20 MB", programs compare bytes.
const bytes = (n: number) => `${formatBytes(n)} (${n} bytes)`;
const count = (n: number) => n.toLocaleString("en");
const days = (seconds: number) => `${seconds / 86_400} days`;

/** The anonymous and keyed limits as configured on this server, one line each. */
export function limitLines(config: Config): string[] {
  const l = config.limits;
  const r = config.rateLimits;
  return [
    `Anonymous file size: at most ${bytes(l.anonMaxBytes)}.`,
    `Anonymous retention: ${days(l.anonRetentionSeconds)}; a shorter ttl is allowed.`,
    `Anonymous rate limit, per client IP: ${r.anonPerHour} uploads or imports per hour and ` +
    `${r.anonPerDay} per day.`,
    `File size with an API key: at most ${bytes(l.accountMaxBytes)}.`,
    `SVG files, for every caller: at most ${bytes(l.svgMaxBytes)}.`,
    `SVG render budget: about ${SVG_BUDGET.workMs / 1000} s of estimated work and ` +
    `${SVG_BUDGET.memoryBytes / 2 ** 20} MB, at most ${count(SVG_BUDGET.elements)} elements and ` +
    `${count(SVG_BUDGET.points)} path points (each <use> copy counted); past it 422 ` +
    "image_too_complex, at upload (rendered at its own size) or for a rendition.",
    ...(config.ingest.minBytesPerSecond > 0
      ? [
        `Upload bodies must arrive at ${Math.round(config.ingest.minBytesPerSecond / 1024)} ` +
        `KiB/s or more over every ${config.ingest.rateWindowMs / 1000} s window, else 408 ` +
        "request_timeout (it counts against the anonymous limit).",
      ]
      : []),
    `Uploads and imports per caller (an account, or a client IP) read at once: ` +
    `${perCallerShare(config)}, and as many waiting; beyond that 503 overloaded.`,
    `Other request bodies (forms, JSON): at most ${DEFAULT_BODY_MAX_BYTES / 1024} KiB.`,
    "Retention with an API key: permanent unless ttl is given.",
    `ttl: ${TTL_MIN_SECONDS} seconds to ${days(TTL_MAX_SECONDS)}.`,
    `Image size: at most ${count(l.maxPixels)} pixels.`,
    `Animations: at most ${count(l.maxFrames)} frames and ${count(l.maxAnimationPixels)} ` +
    "pixels summed over all frames.",
    `caption: at most ${count(CAPTION_MAX)} characters. Attribution metadata: at most ` +
    `${METADATA_MAX_FIELDS} fields, names [a-z0-9_-]{1,64}, values at most ` +
    `${count(METADATA_VALUE_MAX)} characters.`,
    `Imports: public http(s) addresses only, one deadline of ${config.import.timeoutMs / 1000} s ` +
    "for the whole fetch.",
    `Transforms: ${
      config.engine.workers || config.transforms.concurrency
    } computed at once, ${config.transforms.queue} ` +
    "waiting; beyond that 503 overloaded.",
    `upload_image over MCP: at most ${bytes(MCP_UPLOAD_MAX_BYTES)} decoded.`,
  ];
}

/** The plans with this server's numbers (PLAN_<NAME>_UPLOADS / _STORAGE override them). */
export function planLines(config: Config): string[] {
  return Object.values(config.plans).map((p) =>
    `${p.name}: ${count(p.uploads)} uploads per month, ${formatBytes(p.storage)} storage, ` +
    `${p.price === 0 ? "free" : `$${p.price}/month`}`
  );
}
