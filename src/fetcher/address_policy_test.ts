import assert from "node:assert/strict";
import { type AddressRule, classifyAddress } from "./address_policy.ts";

// Every range the import rules name, probed at its edges, with the verdict expected.
const TABLE: [address: string, verdict: AddressRule | "allowed"][] = [
  // loopback, and the "unspecified" addresses that reach it
  ["127.0.0.1", "loopback"],
  ["127.255.255.254", "loopback"],
  ["0.0.0.0", "loopback"],
  ["0.1.2.3", "loopback"],
  ["::1", "loopback"],
  ["::", "loopback"],
  ["0:0:0:0:0:0:0:1", "loopback"],
  // private: RFC 1918, CGNAT, ULA
  ["10.0.0.1", "private"],
  ["10.255.255.255", "private"],
  ["172.16.0.1", "private"],
  ["172.31.255.255", "private"],
  ["192.168.1.1", "private"],
  ["100.64.0.1", "private"],
  ["100.127.255.255", "private"],
  ["fc00::1", "private"],
  ["fd12:3456:789a::1", "private"],
  ["fec0::1", "private"],
  ["64:ff9b:1::a00:1", "private"],
  // link-local, cloud metadata
  ["169.254.169.254", "link_local"],
  ["169.254.0.1", "link_local"],
  ["fe80::1", "link_local"],
  ["febf:ffff::1", "link_local"],
  // multicast, broadcast, reserved, documentation
  ["224.0.0.1", "multicast"],
  ["239.255.255.250", "multicast"],
  ["ff02::1", "multicast"],
  ["255.255.255.255", "broadcast"],
  ["240.0.0.1", "reserved"],
  ["255.255.255.254", "reserved"],
  ["192.0.0.8", "reserved"],
  ["192.88.99.1", "reserved"],
  ["198.18.0.1", "reserved"],
  ["198.19.255.255", "reserved"],
  ["100::1", "reserved"],
  ["2001:2::1", "reserved"],
  ["4000::1", "reserved"],
  ["192.0.2.1", "documentation"],
  ["198.51.100.7", "documentation"],
  ["203.0.113.9", "documentation"],
  ["2001:db8::1", "documentation"],
  ["3fff::1", "documentation"],
  // IPv4 hidden inside IPv6
  ["::ffff:127.0.0.1", "ipv4_in_ipv6"],
  ["::ffff:7f00:1", "ipv4_in_ipv6"],
  ["::ffff:169.254.169.254", "ipv4_in_ipv6"],
  ["::ffff:10.0.0.1", "ipv4_in_ipv6"],
  ["::127.0.0.1", "ipv4_in_ipv6"],
  ["::8.8.8.8", "ipv4_in_ipv6"],
  ["::ffff:0:7f00:1", "ipv4_in_ipv6"],
  ["2002:7f00:1::", "ipv4_in_ipv6"],
  ["2002:808:808::1", "ipv4_in_ipv6"],
  ["64:ff9b::127.0.0.1", "ipv4_in_ipv6"],
  ["64:ff9b::a9fe:a9fe", "ipv4_in_ipv6"],
  ["2001:0:4136:e378:8000:63bf:80ff:fffe", "ipv4_in_ipv6"],
  ["2001::ffff:ffff:80ff:fffe", "ipv4_in_ipv6"],
  // just outside the ranges: public, allowed
  ["8.8.8.8", "allowed"],
  ["1.1.1.1", "allowed"],
  ["9.255.255.255", "allowed"],
  ["11.0.0.0", "allowed"],
  ["100.63.255.255", "allowed"],
  ["100.128.0.0", "allowed"],
  ["126.255.255.255", "allowed"],
  ["128.0.0.0", "allowed"],
  ["169.253.255.255", "allowed"],
  ["172.15.255.255", "allowed"],
  ["172.32.0.0", "allowed"],
  ["192.167.255.255", "allowed"],
  ["192.169.0.0", "allowed"],
  ["223.255.255.255", "allowed"],
  ["2606:4700:4700::1111", "allowed"],
  ["2a00:1450:4001:830::200e", "allowed"],
  ["::ffff:8.8.8.8", "allowed"],
  ["64:ff9b::808:808", "allowed"],
];

Deno.test("the address table: every refused range and its public neighbours", () => {
  assert.ok(TABLE.length >= 40);
  const wrong = TABLE.flatMap(([address, expected]) => {
    const v = classifyAddress(address);
    const got = v.allowed ? "allowed" : v.rule;
    return got === expected ? [] : [`${address}: expected ${expected}, got ${got}`];
  });
  assert.deepEqual(wrong, []);
});

Deno.test("a refusal names the range, and the IPv4 hidden inside an IPv6 address", () => {
  const meta = classifyAddress("169.254.169.254");
  assert.ok(!meta.allowed && /metadata/.test(meta.reason), JSON.stringify(meta));
  const mapped = classifyAddress("::ffff:7f00:1");
  assert.ok(
    !mapped.allowed && /127\.0\.0\.1.*loopback/.test(mapped.reason),
    JSON.stringify(mapped),
  );
  // Teredo stores the client address inverted; the message must show the real one.
  const teredo = classifyAddress("2001:0:4136:e378:8000:63bf:80ff:fffe");
  assert.ok(!teredo.allowed && /127\.0\.0\.1/.test(teredo.reason), JSON.stringify(teredo));
  const sixToFour = classifyAddress("2002:808:808::1");
  assert.ok(!sixToFour.allowed && /8\.8\.8\.8.*deprecated/.test(sixToFour.reason));
});

Deno.test("text that is not a canonical address is refused rather than guessed at", () => {
  for (
    const text of [
      "localhost",
      "0x7f000001",
      "2130706433",
      "127.1",
      "0177.0.0.1",
      "",
      "fe80::1%eth0",
    ]
  ) {
    const v = classifyAddress(text);
    assert.equal(v.allowed, false, text);
  }
});
