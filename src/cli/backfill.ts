import { backfillPlaceholders } from "../images/mod.ts";
import { bootstrapCli, shutdown } from "./bootstrap.ts";

// `deno task backfill [--dry-run]`: placeholders for images stored before ingest made them.
const dryRun = Deno.args.includes("--dry-run");
const services = await bootstrapCli();
const report = await backfillPlaceholders(services, { dryRun });
console.log(JSON.stringify({ dry_run: dryRun, ...report }));
shutdown(services);
Deno.exit(report.failed.length ? 1 : 0);
