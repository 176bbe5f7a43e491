export { ImportFailed, InvalidUrl, TooLarge, UrlNotAllowed } from "./errors.ts";
export { type Fetched, type FetcherOptions, SafeFetcher } from "./safe_fetcher.ts";
export { type Connector, pinnedConnector, type Resolver, systemResolver } from "./network.ts";
export { checkUrl, MAX_URL_LENGTH, normaliseHostPort } from "./url_policy.ts";
export { classifyAddress } from "./address_policy.ts";
export { checkPostUrl, type PostOutcome, safePost, type SafePostOptions } from "./safe_post.ts";
export { formatIp, parseIp } from "./ip_address.ts";
