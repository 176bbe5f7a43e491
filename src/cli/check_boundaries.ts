/**
 * `deno task check` runs this: it fails, listing each import, when a file crosses a boundary of
 * docs/architecture.md (a folder's internals instead of its mod.ts, src/http outside the HTTP
 * side, an impure domain, a route module importing another).
 */
import { importsOf, violation } from "./boundaries.ts";

const ROOTS = ["main.ts", "src", "routes", "domain", "projections"];
const repo = new URL("../../", import.meta.url);

async function* files(path: string): AsyncGenerator<string> {
  const info = await Deno.stat(new URL(path, repo));
  if (info.isFile) {
    if (/\.tsx?$/.test(path)) yield path;
    return;
  }
  for await (const entry of Deno.readDir(new URL(path, repo))) {
    yield* files(`${path}/${entry.name}`);
  }
}

/** `spec` as imported from `from`, repository-relative. */
function resolve(from: string, spec: string): string {
  const url = new URL(spec, new URL(from, repo));
  return url.pathname.slice(repo.pathname.length);
}

const problems: string[] = [];
for (const root of ROOTS) {
  for await (const file of files(root)) {
    const source = await Deno.readTextFile(new URL(file, repo));
    for (const spec of importsOf(source)) {
      const why = violation(file, resolve(file, spec));
      if (why) problems.push(`${file} imports ${spec}: ${why}`);
    }
  }
}
if (problems.length) {
  console.error(problems.join("\n"));
  console.error(`${problems.length} import(s) cross a module boundary.`);
  Deno.exit(1);
}
console.log("module boundaries: ok");
