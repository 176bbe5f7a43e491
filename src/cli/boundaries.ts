/**
 * The import rules of docs/architecture.md, as data a checker can apply to one import at a time.
 * Pure: paths are repository-relative with forward slashes, so the rules can be unit-tested.
 */

/** Folders that speak HTTP: they alone may use src/http, the error mapping and Hono's context. */
const HTTP_SIDE = ["src/http/", "routes/"];
/** The composition root wires everything, so it may import anything. */
const ROOT = new Set(["main.ts", "src/app.ts", "src/services.ts"]);
/** Shared pieces of the HTTP side that any route module may use. */
const ROUTE_SHARED = [/^routes\/schemas\.ts$/, /^routes\/(pages|docs|mcp)\//];

const srcFolder = (path: string) => /^src\/([^/]+)\//.exec(path)?.[1];

/** Why `from` may not import `to`, or null when the import is allowed. */
export function violation(from: string, to: string): string | null {
  const isTest = /_test\.tsx?$/.test(from);
  if (from.startsWith("domain/") || from.startsWith("projections/")) {
    if (to.startsWith("src/") || to.startsWith("routes/")) {
      return "domain/ and projections/ are pure: they import only domain/ and projections/";
    }
    return null;
  }
  if (ROOT.has(from)) return null;
  if (to.startsWith("src/http/") && !HTTP_SIDE.some((p) => from.startsWith(p))) {
    return "only src/http/, routes/ and the composition root use src/http/";
  }
  if (from.startsWith("src/") && to.startsWith("routes/")) {
    return "src/ never imports routes/ (the HTTP side builds on src/, not the reverse)";
  }
  const target = srcFolder(to);
  if (target && target !== srcFolder(from) && !to.endsWith("/mod.ts") && !isTest) {
    // tests/ may reach a folder's internals to test them; src/ and routes/ use its face.
    if (!from.startsWith("tests/") && !from.startsWith("bench/")) {
      return `src/${target}/ is used through src/${target}/mod.ts`;
    }
  }
  if (
    /^routes\/[^/]+\.tsx?$/.test(from) && /^routes\/[^/]+\.tsx?$/.test(to) &&
    !ROUTE_SHARED.some((r) => r.test(to))
  ) {
    return "route modules never import each other; share through src/ or routes/schemas.ts";
  }
  return null;
}

/** The relative module specifiers of a file's static and dynamic imports and re-exports. */
export function importsOf(source: string): string[] {
  const found: string[] = [];
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)["'](\.{1,2}\/[^"']+)["']/gm;
  for (const m of source.matchAll(pattern)) found.push(m[1]);
  return found;
}
