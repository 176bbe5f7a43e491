import assert from "node:assert/strict";
import { formatIp, inPrefix, parseIp, parseIPv4, parseIPv6 } from "./ip_address.ts";

Deno.test("IPv4: only canonical dotted quads parse", () => {
  assert.deepEqual(parseIPv4("192.168.0.1"), new Uint8Array([192, 168, 0, 1]));
  for (const bad of ["256.0.0.1", "1.2.3", "01.2.3.4", "0x7f.0.0.1", "1.2.3.4.", " 1.2.3.4", ""]) {
    assert.equal(parseIPv4(bad), null, bad);
  }
});

Deno.test("IPv6: every RFC 4291 text form parses to the same bytes, and prints compressed", () => {
  const forms = [
    "0:0:0:0:0:ffff:7f00:1",
    "::ffff:7f00:1",
    "::FFFF:127.0.0.1",
    "0:0::ffff:127.0.0.1",
    "[::ffff:7f00:1]",
  ];
  for (const f of forms) assert.equal(formatIp(parseIPv6(f)!), "::ffff:7f00:1", f);
  assert.equal(formatIp(parseIPv6("2001:db8:0:0:1:0:0:1")!), "2001:db8::1:0:0:1");
  assert.equal(formatIp(parseIPv6("::")!), "::");
  assert.equal(formatIp(parseIPv6("fe80::")!), "fe80::");
  for (
    const bad of [":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "::1.2.3", "12345::", "fe80::1%eth0", ":1"]
  ) {
    assert.equal(parseIPv6(bad), null, bad);
  }
});

Deno.test("prefix matching counts bits, not bytes", () => {
  const p = parseIp("100.64.0.0")!;
  assert.ok(inPrefix(parseIp("100.127.255.255")!, p, 10));
  assert.ok(!inPrefix(parseIp("100.128.0.0")!, p, 10));
  assert.ok(!inPrefix(parseIp("::1")!, p, 10), "families never match each other");
});
