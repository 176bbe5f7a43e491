import assert from "node:assert/strict";
import { writableDirs } from "./writable_dirs.ts";

Deno.test("the service tasks may write ./data and the folder KV_PATH names", () => {
  assert.equal(writableDirs(undefined), "./data");
  assert.equal(writableDirs(":memory:"), "./data");
  assert.equal(writableDirs("./data/imgpro.kv"), "./data,./data/");
  assert.equal(writableDirs("/var/lib/imgpro/kv.sqlite3"), "./data,/var/lib/imgpro/");
  // A bare file name lives in the working folder.
  assert.equal(writableDirs("imgpro.kv"), "./data,.");
  // A comma would split the flag's list: left out, so openKv refuses it in one line.
  assert.equal(writableDirs("/srv/a,b/kv"), "./data");
});
