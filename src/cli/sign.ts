import { ConfigError, loadConfig } from "../config.ts";
import { AppError } from "../../domain/errors.ts";
import { openKv } from "../kv.ts";
import { resolveSecret } from "../secret.ts";
import { parseTransformQuery, signedQuery, withFormatAuto } from "../delivery/mod.ts";

const USAGE =
  'usage: deno task sign <id> "<params>"   e.g. deno task sign V1StGXR8Z5 "w=300&h=200&fit=cover"';

const [id, query = ""] = Deno.args;
if (!id || Deno.args.includes("--help") || Deno.args.length > 2) {
  console.error(USAGE);
  Deno.exit(2);
}
if (!/^[0-9A-Za-z]{10}$/.test(id)) {
  console.error(`"${id}" is not an image id (10 letters and digits).\n${USAGE}`);
  Deno.exit(2);
}

let config;
try {
  config = loadConfig(Deno.env.toObject());
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  Deno.exit(2);
}

const queries: Record<string, string[]> = {};
for (const [k, v] of new URLSearchParams(query.replace(/^\?/, ""))) (queries[k] ??= []).push(v);
let parsed;
try {
  parsed = parseTransformQuery(queries);
} catch (err) {
  if (!(err instanceof AppError)) throw err;
  console.error(`${err.message}\n${err.details.hint ?? ""}`);
  Deno.exit(2);
}

// The same secret as the server: SECRET, or in development the one generated into KV.
const kv = await openKv(config.kvPath);
const secret = await resolveSecret(kv, config.secret);
kv.close();
const signed = await signedQuery(secret, id, parsed.params);
const q = parsed.auto ? withFormatAuto(signed) : signed;
console.log(`${config.publicUrl}/${id}${q ? `?${q}` : ""}`);
