import type { EditImage } from "../../domain/image/decider.ts";
import { AppError } from "../../domain/errors.ts";
import type { ImageDoc } from "../../projections/image_read_model.ts";
import { imageReadModel } from "../../projections/mod.ts";
import type { ActorRuntime } from "../actors/mod.ts";
import type { Clock } from "../clock.ts";
import { toUnixSeconds } from "../clock.ts";
import type { Config } from "../config.ts";
import { sha256Hex, timingSafeEqual } from "../crypto.ts";
import { type IdGenerator, IMAGE_ID } from "../ids.ts";
import type { ReadModels } from "../read_models.ts";
import { endImage, type EndImageDeps } from "./end_image.ts";
import { type ImageObject, imageObject, isLive } from "./image_view.ts";
import { expectedVersion, streams } from "../../domain/streams.ts";

export type OwnerImage = ImageObject & {
  source: ImageDoc["source"];
  source_url?: string;
  frames: number;
  version: number;
};

export type BulkDeleteResult =
  | { id: string; status: "deleted" }
  | { id: string; status: "failed"; error: AppError };

/** The delete token is `randomToken(24)`: 32 base64url characters; a little slack either way. */
const DELETE_TOKEN = /^[A-Za-z0-9_-]{16,64}$/;

/** A delete_url whose id or token cannot be one of ours is simply not found, without a lookup. */
export const wellFormedDeleteLink = (id: string, token: string) =>
  IMAGE_ID.test(id) && DELETE_TOKEN.test(token);

const notFound = (id: string) =>
  new AppError("not_found", `No image with id ${id}.`, {
    hint: "Check the id; GET /v1/images lists yours.",
  });
export const invalidCursor = () =>
  new AppError("validation_error", "This cursor is not valid.", {
    field: "cursor",
    hint: "Pass next_cursor from the previous page unchanged.",
  });
const gone = (id: string) =>
  new AppError("gone", `Image ${id} has expired or was deleted.`, {
    hint: "Upload it again.",
  });

/** The owner's view of their images: list, read, edit and delete. */
export class ManageImages {
  constructor(
    private readonly deps: EndImageDeps & {
      config: Config;
      readModels: ReadModels;
      runtime: ActorRuntime;
      clock: Clock;
      ids: IdGenerator;
    },
  ) {}

  ownerView(doc: ImageDoc): OwnerImage {
    return {
      ...imageObject(doc, this.deps.config.publicUrl),
      source: doc.source,
      ...(doc.source_url ? { source_url: doc.source_url } : {}),
      frames: doc.frames,
      version: doc.version,
    };
  }

  /** Newest first; the cursor is KV's own opaque cursor over the owner index. */
  async list(owner: string, limit: number, cursor?: string) {
    const page = await this.deps.readModels.index(imageReadModel, ["owner", owner], {
      reverse: true,
      limit: limit + 1,
      cursor,
    }).catch((err) => {
      // KV rejects a cursor it did not issue (or one from another list) with a TypeError.
      if (cursor && err instanceof TypeError) throw invalidCursor();
      throw err;
    });
    const ids = page.ids.slice(0, limit).map((id) => String(id[0]));
    const docs = await Promise.all(ids.map((id) => this.deps.queries.get(id)));
    const now = this.#now();
    const data = docs.filter((d): d is ImageDoc => d !== null && isLive(d, now)).map((d) =>
      this.ownerView(d)
    );
    const hasMore = page.ids.length > limit;
    let next: string | null = null;
    if (hasMore) {
      // Re-list exactly `limit` entries to get a cursor that resumes after the last one shown.
      next = (await this.deps.readModels.index(imageReadModel, ["owner", owner], {
        reverse: true,
        limit,
        cursor,
      }))
        .cursor ?? null;
    }
    return { data, next_cursor: next, has_more: hasMore };
  }

  /** A live image the caller owns; someone else's image is "not found", never a hint it exists. */
  async owned(id: string, owner: string): Promise<ImageDoc> {
    const doc = await this.deps.queries.get(id);
    if (!doc || doc.owner !== owner) throw notFound(id);
    if (!isLive(doc, this.#now())) throw gone(id);
    return doc;
  }

  async edit(
    id: string,
    owner: string,
    changes: { caption?: string | null; metadata?: Record<string, string> },
    expectVersion?: number,
  ): Promise<OwnerImage> {
    await this.owned(id, owner);
    const command: EditImage = { type: "EditImage", ...changes };
    await this.deps.runtime.send(streams.image(id), command, {
      meta: this.#meta(`account:${owner}`),
      expected: expectVersion === undefined
        ? expectedVersion.any
        : expectedVersion.exactly(expectVersion),
    });
    this.deps.queries.forget(id);
    return this.ownerView((await this.deps.queries.get(id))!);
  }

  async deleteOwned(id: string, owner: string): Promise<void> {
    await this.owned(id, owner);
    await this.#delete(id, "owner", `account:${owner}`);
  }

  /**
   * Deletes each of the owner's images in turn and reports each one's outcome: one failure
   * (someone else's id, an image already gone) does not stop the others.
   */
  async deleteManyOwned(ids: string[], owner: string): Promise<BulkDeleteResult[]> {
    const out: BulkDeleteResult[] = [];
    for (const id of new Set(ids)) {
      try {
        await this.deleteOwned(id, owner);
        out.push({ id, status: "deleted" });
      } catch (caught) {
        // The decider's refusal too: an image that expires between the check and the delete.
        if (!(caught instanceof AppError)) throw caught;
        out.push({ id, status: "failed", error: caught });
      }
    }
    return out;
  }

  /** The anonymous uploader's delete_url: the token is compared by hash, timing-safely. */
  async deleteWithToken(id: string, token: string): Promise<void> {
    if (!wellFormedDeleteLink(id, token)) throw notFound(id.slice(0, 10));
    const doc = await this.deps.queries.get(id);
    const hash = await sha256Hex(token);
    if (!doc || !doc.delete_token_hash || !timingSafeEqual(hash, doc.delete_token_hash)) {
      throw notFound(id);
    }
    if (doc.status === "deleted") return;
    if (doc.status !== "live") throw gone(id);
    await this.#delete(id, "delete_token", "anon:delete_url");
  }

  async tokenMatches(id: string, token: string): Promise<ImageDoc | null> {
    // Checked before any read: an id over 2 KB is a KV key the store refuses with a throw.
    if (!wellFormedDeleteLink(id, token)) return null;
    const doc = await this.deps.queries.get(id);
    if (!doc?.delete_token_hash) return null;
    return timingSafeEqual(await sha256Hex(token), doc.delete_token_hash) ? doc : null;
  }

  async #delete(id: string, by: "owner" | "delete_token", actor: string) {
    const now = this.deps.clock.now();
    await endImage(
      this.deps,
      id,
      { type: "DeleteImage", now: toUnixSeconds(now), by },
      this.#meta(actor),
    );
  }

  #now() {
    return toUnixSeconds(this.deps.clock.now());
  }

  #meta(actor: string) {
    const { clock, ids } = this.deps;
    return { at: clock.now(), actor, command_id: ids.commandId(), correlation_id: ids.commandId() };
  }
}
