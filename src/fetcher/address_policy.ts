import { formatIPv4, inPrefix, type IpBytes, parseIp } from "./ip_address.ts";

/** Why an address may not be fetched; each names a rule a caller can look up. */
export type AddressRule =
  | "loopback"
  | "private"
  | "link_local"
  | "multicast"
  | "broadcast"
  | "reserved"
  | "documentation"
  | "ipv4_in_ipv6";

export type AddressVerdict =
  | { allowed: true }
  | { allowed: false; rule: AddressRule; reason: string };

type Range = { prefix: IpBytes; bits: number; rule: AddressRule; reason: string };

const range = (cidr: string, rule: AddressRule, reason: string): Range => {
  const [text, bits] = cidr.split("/");
  return { prefix: parseIp(text)!, bits: Number(bits), rule, reason };
};

// IANA special-purpose registries. The first match wins, so narrower ranges come first.
const IPV4: Range[] = [
  // On Linux a connect to 0.0.0.0 reaches the local host, so "this network" counts as loopback.
  range("0.0.0.0/8", "loopback", "0.0.0.0/8 ('this host', reaches loopback)"),
  range("10.0.0.0/8", "private", "10.0.0.0/8 (private network, RFC 1918)"),
  range("100.64.0.0/10", "private", "100.64.0.0/10 (carrier-grade NAT)"),
  range("127.0.0.0/8", "loopback", "127.0.0.0/8 (loopback)"),
  range("169.254.0.0/16", "link_local", "169.254.0.0/16 (link-local, incl. cloud metadata)"),
  range("172.16.0.0/12", "private", "172.16.0.0/12 (private network, RFC 1918)"),
  range("192.0.0.0/24", "reserved", "192.0.0.0/24 (IETF protocol assignments)"),
  range("192.0.2.0/24", "documentation", "192.0.2.0/24 (documentation, TEST-NET-1)"),
  range("192.88.99.0/24", "reserved", "192.88.99.0/24 (deprecated 6to4 relay anycast)"),
  range("192.168.0.0/16", "private", "192.168.0.0/16 (private network, RFC 1918)"),
  range("198.18.0.0/15", "reserved", "198.18.0.0/15 (benchmarking)"),
  range("198.51.100.0/24", "documentation", "198.51.100.0/24 (documentation, TEST-NET-2)"),
  range("203.0.113.0/24", "documentation", "203.0.113.0/24 (documentation, TEST-NET-3)"),
  range("224.0.0.0/4", "multicast", "224.0.0.0/4 (multicast)"),
  range("255.255.255.255/32", "broadcast", "255.255.255.255 (broadcast)"),
  range("240.0.0.0/4", "reserved", "240.0.0.0/4 (reserved)"),
];

const IPV6: Range[] = [
  range("::/128", "loopback", ":: (unspecified, reaches loopback)"),
  range("::1/128", "loopback", "::1 (loopback)"),
  range("64:ff9b:1::/48", "private", "64:ff9b:1::/48 (local-use NAT64)"),
  range("100::/64", "reserved", "100::/64 (discard-only)"),
  range("2001:db8::/32", "documentation", "2001:db8::/32 (documentation)"),
  range("2001::/23", "reserved", "2001::/23 (IETF protocol assignments)"),
  range("3fff::/20", "documentation", "3fff::/20 (documentation)"),
  range("fc00::/7", "private", "fc00::/7 (unique local address)"),
  range("fe80::/10", "link_local", "fe80::/10 (link-local)"),
  range("fec0::/10", "private", "fec0::/10 (deprecated site-local)"),
  range("ff00::/8", "multicast", "ff00::/8 (multicast)"),
];

const GLOBAL_UNICAST = range("2000::/3", "reserved", "");

type Embedding = { prefix: Range; name: string; at: number; judgedByEmbedded: boolean };

/**
 * IPv6 forms that carry an IPv4 address. Mapped and NAT64 addresses end up at exactly the
 * embedded IPv4 address, so that address decides. The deprecated forms (compatible, SIIT,
 * 6to4, Teredo) route through relays whose destination cannot be predicted from here, and no
 * public image needs them: they are refused whatever they carry.
 */
const EMBEDDINGS: Embedding[] = [
  {
    prefix: range("::ffff:0:0/96", "ipv4_in_ipv6", ""),
    name: "IPv4-mapped",
    at: 12,
    judgedByEmbedded: true,
  },
  {
    prefix: range("64:ff9b::/96", "ipv4_in_ipv6", ""),
    name: "NAT64",
    at: 12,
    judgedByEmbedded: true,
  },
  {
    prefix: range("::ffff:0:0:0/96", "ipv4_in_ipv6", ""),
    name: "IPv4-translated",
    at: 12,
    judgedByEmbedded: false,
  },
  {
    prefix: range("::/96", "ipv4_in_ipv6", ""),
    name: "IPv4-compatible",
    at: 12,
    judgedByEmbedded: false,
  },
  { prefix: range("2002::/16", "ipv4_in_ipv6", ""), name: "6to4", at: 2, judgedByEmbedded: false },
  {
    prefix: range("2001::/32", "ipv4_in_ipv6", ""),
    name: "Teredo",
    at: 12,
    judgedByEmbedded: false,
  },
];

const matches = (addr: IpBytes, r: Range) => inPrefix(addr, r.prefix, r.bits);

function classifyIPv4(addr: IpBytes): AddressVerdict {
  const hit = IPV4.find((r) => matches(addr, r));
  return hit ? { allowed: false, rule: hit.rule, reason: hit.reason } : { allowed: true };
}

function embeddedIPv4(addr: IpBytes, e: Embedding): IpBytes {
  const v4 = addr.slice(e.at, e.at + 4);
  // Teredo stores the client address with every bit inverted (RFC 4380 §4).
  return e.name === "Teredo" ? v4.map((b) => b ^ 0xff) : v4;
}

function classifyIPv6(addr: IpBytes): AddressVerdict {
  // :: and ::1 sit inside ::/96 but are plain loopback, not a hidden IPv4 address.
  const loop = IPV6.slice(0, 2).find((r) => matches(addr, r));
  if (loop) return { allowed: false, rule: loop.rule, reason: loop.reason };
  const e = EMBEDDINGS.find((x) => matches(addr, x.prefix));
  if (e) {
    const v4 = embeddedIPv4(addr, e);
    const inner = classifyIPv4(v4);
    if (inner.allowed && e.judgedByEmbedded) return inner;
    const why = inner.allowed ? `${e.name} is a deprecated transition form` : inner.reason;
    return {
      allowed: false,
      rule: "ipv4_in_ipv6",
      reason: `${e.name} address hiding IPv4 ${formatIPv4(v4)}: ${why}`,
    };
  }
  const hit = IPV6.find((r) => matches(addr, r));
  if (hit) return { allowed: false, rule: hit.rule, reason: hit.reason };
  if (!matches(addr, GLOBAL_UNICAST)) {
    return { allowed: false, rule: "reserved", reason: "outside 2000::/3 (not global unicast)" };
  }
  return { allowed: true };
}

/** Judges one address; anything that does not parse as an address is refused, not guessed. */
export function classifyAddress(text: string): AddressVerdict {
  const addr = parseIp(text);
  if (!addr) return { allowed: false, rule: "reserved", reason: `"${text}" is not an IP address` };
  return addr.length === 4 ? classifyIPv4(addr) : classifyIPv6(addr);
}

/** Human explanations used in hints, one per rule. */
export const ADDRESS_RULE_TEXT: Record<AddressRule, string> = {
  loopback: "loopback addresses (127.0.0.0/8, ::1, 0.0.0.0, ::) are refused",
  private: "private networks (RFC 1918, CGNAT 100.64.0.0/10, ULA fc00::/7) are refused",
  link_local: "link-local addresses (169.254.0.0/16 incl. cloud metadata, fe80::/10) are refused",
  multicast: "multicast addresses are refused",
  broadcast: "the broadcast address is refused",
  reserved: "reserved and special-purpose addresses are refused",
  documentation: "documentation ranges are refused",
  ipv4_in_ipv6: "IPv6 addresses that hide an IPv4 address (mapped, compatible, 6to4, NAT64, " +
    "Teredo) are refused unless the IPv4 address itself is public",
};
