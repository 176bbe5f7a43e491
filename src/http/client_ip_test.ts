import assert from "node:assert/strict";
import { clientSubject } from "./client_ip.ts";

Deno.test("an IPv6 client is counted by its /64, an IPv4 one by its address", () => {
  assert.equal(clientSubject("2001:db8:1:2::3"), "2001:db8:1:2::/64");
  assert.equal(clientSubject("2001:db8:1:2:ffff:1:2:3"), "2001:db8:1:2::/64");
  assert.notEqual(clientSubject("2001:db8:1:3::1"), clientSubject("2001:db8:1:2::1"));
  assert.equal(clientSubject("203.0.113.7"), "203.0.113.7");
  assert.equal(clientSubject("::ffff:203.0.113.7"), "203.0.113.7");
  assert.equal(clientSubject("unknown"), "unknown");
});
