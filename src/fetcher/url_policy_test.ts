import assert from "node:assert/strict";
import { InvalidUrl, UrlNotAllowed } from "./errors.ts";
import { checkResolved, checkUrl, normaliseHostPort, type UrlRule } from "./url_policy.ts";

const NONE = new Set<string>();

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected a throw");
}

function verdict(url: string, allow: ReadonlySet<string> = NONE): string {
  try {
    const t = checkUrl(url, allow);
    return t.allowListed ? "allow-listed" : t.address ? "allowed" : "resolve";
  } catch (err) {
    if (err instanceof UrlNotAllowed) return err.rule;
    if (err instanceof InvalidUrl) return "invalid";
    throw err;
  }
}

// Spellings of one forbidden host, schemes, userinfo and ports: all decided before any DNS.
const TABLE: [url: string, expected: UrlRule | "allowed" | "resolve" | "invalid"][] = [
  ["http://127.0.0.1/", "loopback"],
  ["http://2130706433/", "loopback"],
  ["http://0x7f000001/", "loopback"],
  ["http://017700000001/", "loopback"],
  ["http://127.1/", "loopback"],
  ["http://0x7f.1/", "loopback"],
  ["http://0177.0.0.1/", "loopback"],
  ["http://127.000.000.001/", "loopback"],
  ["http://127.0.0.1./", "loopback"],
  ["http://%31%32%37.0.0.1/", "loopback"],
  ["http://１２７.０.０.１/", "loopback"],
  ["http://127。0。0。1/", "loopback"],
  ["http://0/", "loopback"],
  ["http://0.0.0.0:8000/", "loopback"],
  ["http://[::1]/", "loopback"],
  ["http://[::]/", "loopback"],
  ["http://[0:0:0:0:0:0:0:1]:8080/", "loopback"],
  ["http://localhost/", "loopback"],
  ["http://LOCALHOST:8000/", "loopback"],
  ["http://localhost./", "loopback"],
  ["http://api.localhost/", "loopback"],
  ["http://ⓛⓞⓒⓐⓛⓗⓞⓢⓣ/", "loopback"],
  ["http://169.254.169.254/latest/meta-data/", "link_local"],
  ["http://0251.0376.0251.0376/", "link_local"],
  ["http://2852039166/", "link_local"],
  ["http://[fe80::1]/", "link_local"],
  ["http://10.0.0.1/", "private"],
  ["http://10.1/", "private"],
  ["http://192.168.0.1:3000/", "private"],
  ["http://172.16.0.1/", "private"],
  ["http://100.64.0.1/", "private"],
  ["http://[fd00::1]/", "private"],
  ["http://224.0.0.1/", "multicast"],
  ["http://4294967295/", "broadcast"],
  ["http://240.0.0.1/", "reserved"],
  ["http://192.0.2.1/", "documentation"],
  ["http://[2001:db8::1]/", "documentation"],
  ["http://[::ffff:127.0.0.1]/", "ipv4_in_ipv6"],
  ["http://[0:0:0:0:0:ffff:7f00:1]/", "ipv4_in_ipv6"],
  ["http://[::ffff:a9fe:a9fe]/", "ipv4_in_ipv6"],
  ["http://[::127.0.0.1]/", "ipv4_in_ipv6"],
  ["http://[2002:7f00:1::]/", "ipv4_in_ipv6"],
  ["http://[64:ff9b::7f00:1]/", "ipv4_in_ipv6"],
  ["http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/", "ipv4_in_ipv6"],
  ["file:///etc/passwd", "scheme"],
  ["ftp://example.com/cat.png", "scheme"],
  ["gopher://example.com:70/", "scheme"],
  ["data:image/png;base64,iVBORw0KGgo=", "scheme"],
  ["javascript:alert(1)", "scheme"],
  ["blob:https://example.com/uuid", "scheme"],
  ["ws://example.com/", "scheme"],
  ["http://user:pw@example.com/cat.png", "userinfo"],
  ["http://user@example.com/cat.png", "userinfo"],
  ["http://example.com@127.0.0.1/", "userinfo"],
  ["http://example.com:25/", "port"],
  ["https://example.com:22/", "port"],
  ["http://intranet/", "hostname"],
  ["http://metadata/", "hostname"],
  ["not a url", "invalid"],
  ["/relative/cat.png", "invalid"],
  ["http://999.1.1.1/", "invalid"],
  ["http://[fe80::1%25eth0]/", "invalid"],
  ["http://8.8.8.8/cat.png", "allowed"],
  ["https://[2606:4700:4700::1111]/", "allowed"],
  ["http://[::ffff:8.8.8.8]/", "allowed"],
  ["https://images.example.com/cat.png", "resolve"],
  ["HTTPS://Images.Example.COM:8443/a b.png", "resolve"],
];

Deno.test("the URL table: every spelling and scheme gets its verdict before any DNS", () => {
  assert.ok(TABLE.length >= 40);
  const wrong = TABLE.flatMap(([url, expected]) => {
    const got = verdict(url);
    return got === expected ? [] : [`${url}: expected ${expected}, got ${got}`];
  });
  assert.deepEqual(wrong, []);
});

Deno.test("a refusal is a fix with a hint that names the rule", () => {
  const err = thrown(() => checkUrl("http://0x7f000001:8080/x", NONE));
  assert.ok(err instanceof UrlNotAllowed);
  assert.match(err.message, /127\.0\.0\.1/);
  assert.match(err.hint, /Rule "loopback"/);
});

Deno.test("IMPORT_ALLOW_HOSTS lets exactly one host:port past the address rules", () => {
  const allow = new Set([normaliseHostPort("127.0.0.1:8080")!, normaliseHostPort("[::1]:9000")!]);
  assert.equal(verdict("http://127.0.0.1:8080/cat.png", allow), "allow-listed");
  // The URL parser's normalisation applies to both sides, so spellings of it match too.
  assert.equal(verdict("http://2130706433:8080/", allow), "allow-listed");
  assert.equal(verdict("http://[::1]:9000/", allow), "allow-listed");
  assert.equal(verdict("http://127.0.0.1:8081/", allow), "loopback");
  assert.equal(verdict("http://127.0.0.1/", allow), "loopback");
  assert.equal(verdict("http://localhost:8080/", allow), "loopback");
  // The scheme and userinfo rules still apply on an allowed host.
  assert.equal(verdict("http://u:p@127.0.0.1:8080/", allow), "userinfo");
  assert.equal(verdict("ftp://127.0.0.1:8080/", allow), "scheme");
});

Deno.test("allow-list entries are normalised, and bad ones are rejected", () => {
  assert.equal(normaliseHostPort(" 127.1:8080 "), "127.0.0.1:8080");
  assert.equal(normaliseHostPort("LocalHost:80"), "localhost:80");
  assert.equal(normaliseHostPort("[0:0::1]:443"), "[::1]:443");
  for (const bad of ["127.0.0.1", "example.com:", "example.com:0", "a:99999", "u@h:80", "h:80/x"]) {
    assert.equal(normaliseHostPort(bad), null, bad);
  }
});

Deno.test("a name is refused when any one of its addresses is refused", () => {
  const target = checkUrl("https://images.example.com/cat.png", NONE);
  checkResolved(target, ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"]);
  const err = thrown(() => checkResolved(target, ["93.184.216.34", "10.0.0.7"]));
  assert.ok(err instanceof UrlNotAllowed && err.rule === "private", String(err));
  assert.match(err.message, /images\.example\.com resolves to a private address/);
  // The address is not echoed: the importer must not be a way to look up internal names.
  assert.doesNotMatch(err.message, /10\.0\.0\.7/);
});

Deno.test("IMPORT_ALLOW_HOSTS entries are exactly host:port, nothing hidden after the port", () => {
  assert.equal(normaliseHostPort("127.0.0.1:8080"), "127.0.0.1:8080");
  assert.equal(normaliseHostPort("Example.COM:443"), "example.com:443");
  for (
    const bad of [
      "127.0.0.1:8080#:80",
      "127.0.0.1:8080?:80",
      "127.0.0.1:8080/:80",
      "u@h:80",
      "h",
      "h:0",
      "h:70000",
    ]
  ) {
    assert.equal(normaliseHostPort(bad), null, bad);
  }
});
