import type { ComputePlaceholders } from "../../domain/image/decider.ts";
import { type ImageDoc, imageReadModel } from "../../projections/image_read_model.ts";
import type { ActorRuntime } from "../actors/mod.ts";
import type { BlobStore } from "../blob_store/mod.ts";
import type { Clock } from "../clock.ts";
import { type EventStore, initialGeneration, keys } from "../event_store/mod.ts";
import type { IdGenerator } from "../ids.ts";
import { placeholdersOf } from "../imaging/mod.ts";
import type { StoredFormat } from "../imaging/mod.ts";
import type { ImageQueries } from "./image_queries.ts";
import { streams } from "../../domain/streams.ts";

export type BackfillReport = {
  scanned: number;
  computed: number;
  /** Already had placeholders (from ingest or an earlier run). */
  present: number;
  /** Expired or deleted: their bytes may be gone and nobody sees them. */
  ended: number;
  failed: string[];
};

export type BackfillDeps = {
  store: EventStore;
  runtime: ActorRuntime;
  blobs: BlobStore;
  queries: ImageQueries;
  clock: Clock;
  ids: IdGenerator;
};

/**
 * Gives every live image stored before ingest computed placeholders its thumbhash and dominant
 * colour: one `ImagePlaceholdersComputed` event each, from the stored bytes (an upcaster could
 * not: it has no pixels). Running it twice appends nothing the second time.
 */
export async function backfillPlaceholders(
  deps: BackfillDeps,
  opts: { dryRun?: boolean } = {},
): Promise<BackfillReport> {
  const report: BackfillReport = { scanned: 0, computed: 0, present: 0, ended: 0, failed: [] };
  const gen = (await deps.store.generations(true)).value[imageReadModel.name] ??
    initialGeneration(imageReadModel);
  const correlation = deps.ids.commandId();
  for await (const entry of deps.store.kv.list<ImageDoc>({ prefix: keys.docs("images", gen) })) {
    const doc = entry.value;
    report.scanned++;
    if (doc.thumbhash !== undefined) report.present++;
    else if (doc.status !== "live") report.ended++;
    else if (opts.dryRun) report.computed++;
    else if (await computeOne(deps, doc, correlation)) report.computed++;
    else report.failed.push(doc.id);
  }
  return report;
}

async function computeOne(deps: BackfillDeps, doc: ImageDoc, correlation: string) {
  try {
    const blob = await deps.blobs.read(doc.blob.hash);
    if (!blob) return false;
    const bytes = new Uint8Array(await new Response(blob.body).arrayBuffer());
    const found = await placeholdersOf(bytes, doc.format as StoredFormat, doc);
    if (!found) return false;
    const command: ComputePlaceholders = { type: "ComputePlaceholders", ...found };
    await deps.runtime.send(streams.image(doc.id), command, {
      meta: {
        at: deps.clock.now(),
        actor: "system:backfill",
        command_id: deps.ids.commandId(),
        correlation_id: correlation,
      },
    });
    deps.queries.forget(doc.id);
    return true;
  } catch (err) {
    console.error(`backfill of ${doc.id} failed:`, err);
    return false;
  }
}
