import { AppError } from "../../domain/errors.ts";
import type { ImageDoc } from "../../projections/image_read_model.ts";
import { StoreUnavailableError } from "../blob_store/mod.ts";
import { type Clock, toUnixSeconds } from "../clock.ts";
import type { ImageQueries } from "../images/mod.ts";
import { isLive } from "../images/mod.ts";
import type { TransformParams } from "../transform/mod.ts";
import type { VariantCache } from "../variants/mod.ts";
import { canonicalString } from "./canonical.ts";
import { withNegotiatedFormat } from "./format_auto.ts";
import { parseTransformQuery } from "./query_schema.ts";
import { checkSignature } from "./signing.ts";
import {
  BlobMissingError,
  ENGINE_VERSION,
  type Rendition,
  type TransformService,
} from "./transform_service.ts";

const YEAR = 31_536_000;
const FILE = /^[0-9A-Za-z]{10}(\.[A-Za-z0-9]{1,5})?$/;
const EXT_ALIASES: Record<string, string> = { jpeg: "jpg" };
/** Image bytes must never run as a document, whatever a browser sniffs (an SVG above all). */
const IMAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox";
/** Links answered from memory: enough for every hot link, small beside the variants. */
const HOT_LINKS = 10_000;
/**
 * The longest query remembered. Links are kept by the query as sent, and a value can be padded
 * (`brightness=1.1000…`) to any length the URL allows; real links are far shorter, and this
 * bounds the links' memory to a few megabytes.
 */
const HOT_QUERY_CHARS = 512;

/** `/{id}` or `/{id}.{ext}`, the extension lower-cased and `.jpeg` read as `.jpg`. */
export type Target = { id: string; ext?: string };

export type DeliveryRequest = {
  /** The path's file name as sent, and what it names. */
  file: string;
  target: Target;
  /** The query as the URL carries it (the key of the hot path) and parsed into lists. */
  search: string;
  queries: Record<string, string[]>;
  accept?: string;
  ifNoneMatch?: string;
  head: boolean;
  /**
   * Told the image headers (ETag, Cache-Control, CORS, nosniff, CSP) once they are known and
   * before the bytes are made: an error while making them (the store out of reach, the engine
   * overloaded) still goes out with them, as a response whose headers were sent first would.
   */
  onHeaders?: (headers: Record<string, string>) => void;
};

/** What a link answers, for the route to render. */
export type Delivery =
  | { kind: "gone_page"; id: string }
  | {
    kind: "viewer";
    doc: ImageDoc;
    nowSeconds: number;
    image: { url: string; mime: string; format: string; width: number; height: number };
  }
  | {
    kind: "image";
    status: 200 | 304;
    headers: Record<string, string>;
    body: ReadableStream<Uint8Array> | Uint8Array | null;
  };

/** A link served from memory: what it resolved to, minus what depends on the clock. */
type HotLink = { id: string; rendition: Rendition; variantKey: string };

const notFound = (id: string) =>
  new AppError("not_found", `No image at /${id}.`, {
    hint: "Check the link; ids are 10 characters.",
  });

const gone = (id: string) =>
  new AppError("gone", `Image ${id} has expired or was deleted.`, { hint: "Upload it again." });

function invalidSignature(problem: "missing" | "invalid") {
  return new AppError(
    "invalid_signature",
    problem === "missing"
      ? "w, h, fit, gravity and dpr are only accepted in a signed link."
      : "The signature does not match this image and these resize parameters.",
    {
      field: "sig",
      hint: "Use the link exactly as it was signed (POST /v1/images/{id}/links or the " +
        "dashboard's tools make one); other parameters may be added, signed ones not changed.",
    },
  );
}

function cacheControl(doc: ImageDoc, nowSeconds: number) {
  if (doc.expires_at === null) return `public, max-age=${YEAR}, immutable`;
  return `public, max-age=${Math.max(0, Math.min(YEAR, doc.expires_at - nowSeconds))}`;
}

function matches(inm: string | undefined, etag: string): boolean {
  if (!inm) return false;
  return inm.trim() === "*" || inm.split(",").some((t) => t.trim().replace(/^W\//, "") === etag);
}

const wantsHtml = (accept: string | undefined) => (accept ?? "").includes("text/html");

/** The query of the image URL in the viewer page: canonical, the format carried by the path. */
function imageQuery(p: TransformParams, sig: string | null): string {
  const query = [canonicalString({ ...p, format: undefined }), sig ? `sig=${sig}` : ""]
    .filter(Boolean).join("&");
  return query ? `?${query}` : "";
}

/** The headers of image bytes: the same whether they come from memory, a variant or the store. */
function imageHeaders(doc: ImageDoc, r: Rendition, nowSeconds: number) {
  return {
    "Vary": "Accept",
    "ETag": r.etag,
    "Cache-Control": cacheControl(doc, nowSeconds),
    "X-Content-Type-Options": "nosniff",
    // Public images: a page on any site may draw them on a canvas or fetch() them.
    "Access-Control-Allow-Origin": "*",
    "Content-Security-Policy": IMAGE_CSP,
  };
}

function bytesHeaders(id: string, r: Rendition, size: number) {
  return {
    "Content-Type": r.mime,
    "Content-Length": String(size),
    "Content-Disposition": `inline; filename="${id}.${r.format}"`,
  };
}

/**
 * What an image link answers: liveness (checked against the clock on every read), the query and
 * its signature, the rendition and its bytes, and the retry when a cached record outlived its
 * blob. A link whose variant is in memory is answered again without any await (`hot`).
 */
export class DeliverImage {
  readonly #hot = new Map<string, HotLink>();

  constructor(
    private readonly deps: {
      queries: ImageQueries;
      transforms: TransformService;
      variants: VariantCache;
      clock: Clock;
      secret: string;
      publicUrl: string;
    },
  ) {}

  /** The path's file name as a target; anything else at the root is not an image. */
  target(file: string): Target {
    if (!FILE.test(file)) throw notFound(file);
    const [id, rawExt] = file.split(".");
    if (rawExt === undefined) return { id };
    const lower = rawExt.toLowerCase();
    return { id, ext: EXT_ALIASES[lower] ?? lower };
  }

  async deliver(req: DeliveryRequest): Promise<Delivery> {
    try {
      return await this.#deliver(req);
    } catch (err) {
      // The cached record may predate an expiry or delete done elsewhere (another isolate, the
      // expire task): ask KV itself before calling a missing blob an internal error.
      if (!(err instanceof BlobMissingError)) throw err;
      const { queries, clock } = this.deps;
      queries.forget(err.imageId);
      const fresh = await queries.get(err.imageId);
      if (fresh && isLive(fresh, toUnixSeconds(clock.now()))) {
        // A live image whose bytes the store does not have (removed behind our back, or a store
        // that lags its own writes): the store's fault, not ours, and possibly passing.
        console.error(`GET ${err.imageId}: ${err.message}`);
        throw new StoreUnavailableError(err.message);
      }
      if (wantsHtml(req.accept)) return { kind: "gone_page", id: err.imageId };
      throw gone(err.imageId);
    }
  }

  /**
   * The answer from memory alone, or null to take the full path: the link was answered before,
   * its image record is fresh and live, and its variant's bytes are in the hot cache. Only links
   * whose answer cannot depend on the request's headers qualify (no format=auto, no segment,
   * no viewer page).
   */
  hot(file: string, search: string, accept: string | undefined, ifNoneMatch?: string) {
    const link = this.#hot.get(`${file}${search}`);
    if (!link || (!file.includes(".") && wantsHtml(accept))) return null;
    const doc = this.deps.queries.peekForDelivery(link.id);
    const nowSeconds = toUnixSeconds(this.deps.clock.now());
    if (!doc || !isLive(doc, nowSeconds)) return null;
    const bytes = this.deps.variants.peek(link.id, link.variantKey);
    if (!bytes) return null;
    return this.#image(doc, link.rendition, nowSeconds, ifNoneMatch, bytes, bytes.length);
  }

  async #deliver(req: DeliveryRequest): Promise<Delivery> {
    const { queries, clock, transforms, secret, publicUrl } = this.deps;
    const { id, ext } = req.target;
    const html = ext === undefined && wantsHtml(req.accept);
    const doc = await queries.getForDelivery(id);
    if (!doc) throw notFound(id);
    const nowSeconds = toUnixSeconds(clock.now());
    // Reads check the time themselves: an image is never served after expires_at, cron or not.
    if (!isLive(doc, nowSeconds)) {
      if (html) return { kind: "gone_page", id };
      throw gone(id);
    }
    const parsed = parseTransformQuery(req.queries);
    const { params, sig } = parsed.auto && ext === undefined
      ? withNegotiatedFormat(parsed, doc, req.accept)
      : parsed;
    const signature = await checkSignature(secret, id, params, sig);
    if (signature !== "ok") throw invalidSignature(signature);
    const rendition = await transforms.resolve(doc, params, ext);
    if (html) {
      const url = `${publicUrl}/${id}.${rendition.format}${imageQuery(params, sig)}`;
      const { mime, format, width, height } = rendition;
      return { kind: "viewer", doc, nowSeconds, image: { url, mime, format, width, height } };
    }
    const headers = imageHeaders(doc, rendition, nowSeconds);
    if (matches(req.ifNoneMatch, rendition.etag)) {
      return { kind: "image", status: 304, headers, body: null };
    }
    req.onHeaders?.(headers);
    const { body, size, segmentMethod } = await transforms.body(doc, params, rendition);
    if (
      !rendition.original && !parsed.auto && !params.segment &&
      req.search.length <= HOT_QUERY_CHARS
    ) {
      this.#remember(`${req.file}${req.search}`, id, rendition);
    }
    const out = this.#image(doc, rendition, nowSeconds, req.ifNoneMatch, body, size);
    if (segmentMethod) out.headers["X-Segment-Method"] = segmentMethod;
    if (req.head && body instanceof ReadableStream) await body.cancel();
    return req.head ? { ...out, body: null } : out;
  }

  #image(
    doc: ImageDoc,
    r: Rendition,
    nowSeconds: number,
    ifNoneMatch: string | undefined,
    body: ReadableStream<Uint8Array> | Uint8Array,
    size: number,
  ): Delivery & { kind: "image" } {
    const headers: Record<string, string> = imageHeaders(doc, r, nowSeconds);
    if (matches(ifNoneMatch, r.etag)) return { kind: "image", status: 304, headers, body: null };
    return {
      kind: "image",
      status: 200,
      headers: { ...headers, ...bytesHeaders(doc.id, r, size) },
      body,
    };
  }

  #remember(link: string, id: string, rendition: Rendition) {
    if (this.#hot.size >= HOT_LINKS) this.#hot.clear();
    this.#hot.set(link, { id, rendition, variantKey: `${ENGINE_VERSION}|${rendition.key}` });
  }
}
