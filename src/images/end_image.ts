import type { AccountCommand } from "../../domain/account/decider.ts";
import type { DeleteImage, ExpireImage } from "../../domain/image/decider.ts";
import type { ActorRuntime, DomainEventLike, SendOptions, TransactStep } from "../actors/mod.ts";
import type { BlobStore } from "../blob_store/mod.ts";
import type { ImageQueries } from "./image_queries.ts";
import { streams } from "../../domain/streams.ts";

export type EndImageDeps = {
  queries: ImageQueries;
  runtime: ActorRuntime;
  blobs: BlobStore;
  /** Removes cached variants of an image that has ended, and of its blob when it was the last. */
  onImageEnded?: (id: string, blobHash: string) => Promise<void>;
};

const ENDINGS = new Set(["ImageExpired", "ImageDeleted"]);

/**
 * Expiry and deletion end an image the same way: the image event and, for an owned image, the
 * storage it frees, in one atomic commit (so storage is released exactly once), then its bytes.
 * Returns whether this call ended it (false when it had already ended).
 */
export async function endImage(
  deps: EndImageDeps,
  id: string,
  command: ExpireImage | DeleteImage,
  meta: SendOptions["meta"],
): Promise<{ ended: boolean; blobDeleted: boolean }> {
  const doc = await deps.queries.get(id);
  const image = streams.image(id);
  const steps: TransactStep[] = [{ stream: image, command }];
  if (doc?.owner) {
    steps.push({
      stream: streams.account(doc.owner),
      command: (prior: DomainEventLike[]): AccountCommand | null =>
        prior.some((e) => ENDINGS.has(e.type))
          ? { type: "ReleaseStorage", image_id: id, bytes: doc.blob.size }
          : null,
    });
  }
  const res = await deps.runtime.transact(steps, { meta });
  if (!res.ok) return { ended: false, blobDeleted: false };
  const state = res.state(image);
  const ended = res.events.some((e) => ENDINGS.has(e.type));
  if (state.status === "absent" || state.status === "live") return { ended, blobDeleted: false };
  await deps.onImageEnded?.(id, state.image.blob.hash);
  const blobDeleted = await deps.blobs.delete(
    state.image.blob.hash,
    deps.queries.isBlobReferenced,
    meta.at,
  );
  return { ended, blobDeleted };
}
