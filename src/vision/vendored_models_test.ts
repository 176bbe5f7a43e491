import assert from "node:assert/strict";

const MODELS = new URL("./models/", import.meta.url);

async function sha256(bytes: Uint8Array): Promise<string> {
  const h = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
  return [...h].map((b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("every vendored model file is byte for byte the one whose sha256 its README gives", async () => {
  const readme = await Deno.readTextFile(new URL("README.md", MODELS));
  const files = [...Deno.readDirSync(MODELS)].map((e) => e.name).filter((n) =>
    /\.(json|bin)$/.test(n)
  );
  assert.ok(files.length >= 6, files.join());
  for (const name of files) {
    const [base, ext] = name.split(".");
    const row = readme.split("\n").find((l) => l.startsWith(`| \`${base}.json\``));
    assert.ok(row, `${name} has a row in the README`);
    const hash = new RegExp(`${ext} \`([0-9a-f]{64})\``).exec(row)?.[1];
    assert.equal(await sha256(await Deno.readFile(new URL(name, MODELS))), hash, name);
  }
});
