import { ADDRESS_RULE_TEXT, type AddressRule, classifyAddress } from "./address_policy.ts";
import { InvalidUrl, UrlNotAllowed } from "./errors.ts";
import { parseIp } from "./ip_address.ts";

export type UrlRule = AddressRule | "scheme" | "userinfo" | "port" | "hostname";

/** A URL that passed the rules that need no network; its host may still need resolving. */
export type Target = {
  url: URL;
  /** Without IPv6 brackets: what DNS or a connect expects. */
  hostname: string;
  port: number;
  /** Set when the host is written as an address, so there is nothing to resolve. */
  address: string | null;
  /** On IMPORT_ALLOW_HOSTS: address rules are skipped, scheme and userinfo rules are not. */
  allowListed: boolean;
};

export const MAX_URL_LENGTH = 2048;

const DEFAULT_PORT: Record<string, number> = { "http:": 80, "https:": 443 };

// The Fetch standard's "bad ports": protocols a GET could be smuggled into (SMTP, IRC, ...).
const BAD_PORTS = new Set([
  1,
  7,
  9,
  11,
  13,
  15,
  17,
  19,
  20,
  21,
  22,
  23,
  25,
  37,
  42,
  43,
  53,
  69,
  77,
  79,
  87,
  95,
  101,
  102,
  103,
  104,
  109,
  110,
  111,
  113,
  115,
  117,
  119,
  123,
  135,
  137,
  139,
  143,
  161,
  179,
  389,
  427,
  465,
  512,
  513,
  514,
  515,
  526,
  530,
  531,
  532,
  540,
  548,
  554,
  556,
  563,
  587,
  601,
  636,
  989,
  990,
  993,
  995,
  1719,
  1720,
  1723,
  2049,
  3659,
  4045,
  4190,
  5060,
  5061,
  6000,
  6566,
  6665,
  6666,
  6667,
  6668,
  6669,
  6679,
  6697,
  10080,
]);

const RULE_TEXT: Record<UrlRule, string> = {
  ...ADDRESS_RULE_TEXT,
  scheme: "only http: and https: URLs can be imported",
  userinfo: "URLs with a user name or password (user:pw@host) are refused",
  port: "ports of non-web protocols (the Fetch standard's blocked ports) are refused",
  hostname: "host names must be public: localhost and single-label names are refused",
};

export function refuse(rule: UrlRule, url: string, detail: string): UrlNotAllowed {
  return new UrlNotAllowed(
    rule,
    `The URL ${url} is not allowed: ${detail}.`,
    `Rule "${rule}": ${RULE_TEXT[rule]}. Use a public http(s) URL.`,
  );
}

/** `host:port` as written in IMPORT_ALLOW_HOSTS, normalised the way URLs are; null if bad. */
export function normaliseHostPort(entry: string): string | null {
  const text = entry.trim();
  // The port is mandatory: an entry is one exact endpoint, never a whole host.
  if (!/:\d{1,5}$/.test(text)) return null;
  let url: URL;
  try {
    url = new URL(`http://${text}/`);
  } catch {
    return null;
  }
  const port = Number(text.slice(text.lastIndexOf(":") + 1));
  if (
    url.username || url.password || url.pathname !== "/" || url.search || url.hash ||
    url.port !== (port === 80 ? "" : String(port)) || port < 1 || port > 65535
  ) {
    return null;
  }
  return `${url.hostname}:${port}`;
}

/**
 * The rules that can be applied to the URL alone. `new URL()` does the host normalisation:
 * it lower-cases, applies IDNA, decodes percent-escapes and rewrites every legacy IPv4
 * spelling (`2130706433`, `0x7f000001`, `0177.1`, `127.1`) to a dotted quad, so the checks
 * below see the address a connect would reach.
 */
export function checkUrl(raw: string | URL, allowHosts: ReadonlySet<string>): Target {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidUrl(`"${String(raw).slice(0, 200)}" is not an absolute URL.`);
  }
  url.hash = "";
  const shown = url.href.length > 200 ? `${url.href.slice(0, 200)}…` : url.href;
  if (url.href.length > MAX_URL_LENGTH) {
    throw new InvalidUrl(`The URL is longer than ${MAX_URL_LENGTH} characters.`);
  }
  if (!(url.protocol in DEFAULT_PORT)) {
    throw refuse("scheme", shown, `the scheme ${url.protocol} is not http: or https:`);
  }
  if (url.username || url.password) {
    throw refuse("userinfo", shown, "it carries a user name or password");
  }
  const port = url.port ? Number(url.port) : DEFAULT_PORT[url.protocol];
  const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const literal = parseIp(hostname) ? hostname : null;
  const target = { url, hostname, port, address: literal, allowListed: false };
  if (allowHosts.has(`${url.hostname}:${port}`)) return { ...target, allowListed: true };

  if (BAD_PORTS.has(port)) throw refuse("port", shown, `port ${port} is not a web port`);
  if (literal) {
    const verdict = classifyAddress(literal);
    if (!verdict.allowed) throw refuse(verdict.rule, shown, `it points at ${verdict.reason}`);
    return target;
  }
  const bare = hostname.replace(/\.$/, "");
  if (bare === "localhost" || bare.endsWith(".localhost")) {
    throw refuse("loopback", shown, "localhost always means this machine");
  }
  // A dotless name is completed by resolver search domains, i.e. into the local network.
  if (!bare.includes(".")) {
    throw refuse("hostname", shown, `"${hostname}" is not a public host name`);
  }
  return target;
}

const RULE_NOUN: Record<AddressRule, string> = {
  loopback: "loopback",
  private: "private",
  link_local: "link-local",
  multicast: "multicast",
  broadcast: "broadcast",
  reserved: "reserved",
  documentation: "documentation",
  ipv4_in_ipv6: "tunnelled IPv4",
};

/** The address rules, applied to every address a host name resolved to. */
export function checkResolved(target: Target, addresses: string[]): void {
  if (target.allowListed) return;
  for (const address of addresses) {
    const verdict = classifyAddress(address);
    if (!verdict.allowed) {
      throw refuse(
        verdict.rule,
        target.url.href,
        // The address itself is not repeated: that would let anyone look up internal names.
        `${target.hostname} resolves to a ${RULE_NOUN[verdict.rule]} address`,
      );
    }
  }
}
