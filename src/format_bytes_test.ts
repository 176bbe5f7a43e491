import assert from "node:assert/strict";
import { formatBytes } from "./format_bytes.ts";

Deno.test("sizes read as the SPEC states them, never rounded down to zero", () => {
  assert.equal(formatBytes(20_000_000), "20 MB");
  assert.equal(formatBytes(70_000_000), "70 MB");
  assert.equal(formatBytes(5_000_000_000), "5 GB");
  assert.equal(formatBytes(100_000), "100 KB");
  assert.equal(formatBytes(89_000), "89 KB");
  assert.equal(formatBytes(1_500_000), "1.5 MB");
  assert.equal(formatBytes(20_971_520), "21 MB");
  assert.equal(formatBytes(512), "512 bytes");
  assert.equal(formatBytes(5e12), "5 TB");
});
