import type { Decider } from "../decider.ts";
import { AppError } from "../errors.ts";
import { applyImageEdit } from "./evolve.ts";
import type { ImageEvent, ImageUploaded } from "./events.ts";
import { expiryFor } from "./retention.ts";

export type ImageState =
  | { status: "absent" }
  | { status: "live" | "expired" | "deleted"; image: ImageUploaded; ended_at?: number };

export type UploadImage = {
  type: "UploadImage";
  /** Everything the image will be, except the times the decider derives. */
  image: Omit<ImageUploaded, "created_at" | "expires_at">;
  ttlSeconds?: number;
  anonRetentionSeconds: number;
  now: number;
};
export type ExpireImage = { type: "ExpireImage"; now: number };
export type DeleteImage = { type: "DeleteImage"; now: number; by: "owner" | "delete_token" };
export type EditImage = {
  type: "EditImage";
  caption?: string | null;
  metadata?: Record<string, string>;
};
/** The backfill's command: a no-op when the image already has placeholders. */
export type ComputePlaceholders = {
  type: "ComputePlaceholders";
  thumbhash: string;
  dominant_color: string;
};
export type ImageCommand =
  | UploadImage
  | ExpireImage
  | DeleteImage
  | EditImage
  | ComputePlaceholders;

export const initialImageState = (): ImageState => ({ status: "absent" });

export function evolveImage(state: ImageState, event: ImageEvent): ImageState {
  switch (event.type) {
    case "ImageUploaded":
      return { status: "live", image: event.data };
    case "ImageExpired":
      return state.status === "absent"
        ? state
        : { status: "expired", image: state.image, ended_at: event.data.expired_at };
    case "ImageDeleted":
      return state.status === "absent"
        ? state
        : { status: "deleted", image: state.image, ended_at: event.data.deleted_at };
    case "CaptionChanged":
    case "MetadataChanged":
    case "ImagePlaceholdersComputed":
      return state.status === "absent"
        ? state
        : { ...state, image: applyImageEdit(state.image, event) };
  }
}

function liveOrThrow(state: ImageState): asserts state is ImageState & { status: "live" } {
  if (state.status === "absent") throw new AppError("not_found", "No such image.");
  if (state.status !== "live") {
    throw new AppError("gone", `Image ${state.image.id} has expired or was deleted.`);
  }
}

export function decideImage(command: ImageCommand, state: ImageState): ImageEvent[] {
  switch (command.type) {
    case "UploadImage": {
      if (state.status !== "absent") {
        throw new AppError("already_exists", `Image ${command.image.id} already exists.`);
      }
      const expires_at = expiryFor({
        owner: command.image.owner,
        ttlSeconds: command.ttlSeconds,
        now: command.now,
        anonRetentionSeconds: command.anonRetentionSeconds,
      });
      return [{
        type: "ImageUploaded",
        data: { ...command.image, created_at: command.now, expires_at },
      }];
    }
    case "ExpireImage": {
      if (state.status === "absent") throw new AppError("not_found", "No such image.");
      // Already expired or deleted: a second expiry is a no-op.
      if (state.status !== "live") return [];
      const due = state.image.expires_at;
      if (due === null || due > command.now) {
        throw new AppError("not_due", `Image ${state.image.id} is not due to expire.`);
      }
      return [{ type: "ImageExpired", data: { id: state.image.id, expired_at: command.now } }];
    }
    case "DeleteImage": {
      if (state.status === "deleted") return [];
      liveOrThrow(state);
      return [{
        type: "ImageDeleted",
        data: { id: state.image.id, deleted_at: command.now, by: command.by },
      }];
    }
    case "ComputePlaceholders": {
      if (state.status === "absent") throw new AppError("not_found", "No such image.");
      if (state.image.thumbhash !== undefined) return [];
      const { thumbhash, dominant_color } = command;
      return [{
        type: "ImagePlaceholdersComputed",
        data: { id: state.image.id, thumbhash, dominant_color },
      }];
    }
    case "EditImage": {
      liveOrThrow(state);
      const events: ImageEvent[] = [];
      const id = state.image.id;
      if (command.caption !== undefined && command.caption !== (state.image.caption ?? null)) {
        events.push({ type: "CaptionChanged", data: { id, caption: command.caption } });
      }
      if (
        command.metadata !== undefined &&
        JSON.stringify(command.metadata) !== JSON.stringify(state.image.metadata ?? {})
      ) {
        events.push({ type: "MetadataChanged", data: { id, metadata: command.metadata } });
      }
      return events;
    }
  }
}

export const imageDecider: Decider<ImageState, ImageCommand, ImageEvent> = {
  initialState: initialImageState,
  evolve: evolveImage,
  decide: decideImage,
};
