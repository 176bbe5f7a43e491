import { AppError, fixError } from "../../domain/errors.ts";
import { parseTtl } from "../../domain/image/retention.ts";
import type { Config } from "../config.ts";
import {
  ImportFailed,
  InvalidUrl,
  type SafeFetcher,
  TooLarge,
  UrlNotAllowed,
} from "../fetcher/mod.ts";
import type { RequestIdentity } from "./idempotency.ts";
import type { ImageObject } from "./image_view.ts";
import type { UploadImageService } from "./upload_image.ts";
import { fileTooLarge, maxUploadBytes } from "./upload_limits.ts";

export type ImportInput = RequestIdentity & {
  url: string;
  correlationId: string;
  /** The caller went away: stop fetching. */
  signal?: AbortSignal;
};

/** The fetcher's failures as refusals; the `url` field is what the caller fixes. */
function refusal(err: unknown, limits: Config["limits"], owner: string | null): unknown {
  if (err instanceof UrlNotAllowed) {
    return new AppError("url_not_allowed", err.message, {
      field: "url",
      hint: err.hint,
      extra: { rule: err.rule },
    });
  }
  if (err instanceof InvalidUrl) {
    return fixError("validation_error", err.message, "Send an absolute http(s) URL.", "url");
  }
  if (err instanceof TooLarge) return fileTooLarge(limits, owner);
  if (err instanceof ImportFailed) {
    return new AppError(
      "import_failed",
      err.message,
      err.retryAfter === undefined
        ? { field: "url", hint: err.hint }
        : { retryAfter: err.retryAfter },
    );
  }
  return err;
}

/**
 * What ingest says about the bytes, which an importer fixes by changing the URL. Anything else
 * (a plan limit, a busy server, a fault of ours, a refusal about the account) passes unchanged.
 */
const ABOUT_THE_BYTES = new Set<string>([
  "validation_error",
  "unsupported_format",
  "invalid_image",
  "image_too_large",
  "image_too_complex",
  "file_too_large",
]);
const fixable = (err: AppError) =>
  ABOUT_THE_BYTES.has(err.code) && err.details.retryAfter === undefined && !err.details.register;

/**
 * Ingest's own errors pass through with their code and message; only the field they point at
 * changes, since an importer fixes the URL, not a file they never sent.
 */
function forImport(err: unknown, contentType: string | null): unknown {
  if (!(err instanceof AppError) || !fixable(err)) return err;
  if (err.details.field !== undefined && err.details.field !== "file") return err;
  const page = err.code === "unsupported_format" && /html/i.test(contentType ?? "");
  const hint = page
    ? "The URL is a web page, not an image: open it, right-click the image, copy the image " +
      "address and import that."
    : err.details.hint;
  return new AppError(err.code, err.message, { ...err.details, field: "url", hint });
}

/** Import: fetch a public URL safely, then store it exactly like an upload. */
export class ImportImage {
  constructor(
    private readonly deps: { config: Config; fetcher: SafeFetcher; uploads: UploadImageService },
  ) {}

  async import(input: ImportInput): Promise<{ image: ImageObject; replayed: boolean }> {
    const { config, fetcher, uploads } = this.deps;
    // A request that is wrong anyway should not cost anyone a fetch.
    if (input.ttl !== undefined) parseTtl(input.ttl);
    const fingerprint = `import:${input.url}`;
    // A retry under the same Idempotency-Key answers before fetching anything again.
    const first = await uploads.idempotency.replay(
      await uploads.idempotency.claim(input, fingerprint),
    );
    if (first) return { image: first, replayed: true };
    const fetched = await fetcher.fetch(input.url, {
      maxBytes: maxUploadBytes(config.limits, input.owner),
      signal: input.signal,
    }).catch((err) => {
      throw refusal(err, config.limits, input.owner);
    });
    const { url: _url, signal: _signal, ...identity } = input;
    return await uploads.upload({
      ...identity,
      fingerprint,
      bytes: fetched.bytes,
      source: "import",
      sourceUrl: fetched.url,
    }).catch((err) => {
      throw forImport(err, fetched.contentType);
    });
  }
}
