import { DomainError } from "../errors.ts";
import type { ImageEvent, ImageUploaded } from "./events.ts";
import { expiryFor } from "./retention.ts";

export type ImageState =
  | { status: "absent" }
  | { status: "live" | "expired"; image: ImageUploaded; expired_at?: number };

export type UploadImage = {
  type: "UploadImage";
  /** Everything the image will be, except the times the decider derives. */
  image: Omit<ImageUploaded, "created_at" | "expires_at">;
  ttlSeconds?: number;
  anonRetentionSeconds: number;
  now: number;
};
export type ExpireImage = { type: "ExpireImage"; now: number };
export type ImageCommand = UploadImage | ExpireImage;

export const initialImageState = (): ImageState => ({ status: "absent" });

export function evolveImage(state: ImageState, event: ImageEvent): ImageState {
  switch (event.type) {
    case "ImageUploaded":
      return { status: "live", image: event.data };
    case "ImageExpired":
      return state.status === "absent"
        ? state
        : { status: "expired", image: state.image, expired_at: event.data.expired_at };
  }
}

export function decideImage(command: ImageCommand, state: ImageState): ImageEvent[] {
  switch (command.type) {
    case "UploadImage": {
      if (state.status !== "absent") {
        throw new DomainError("already_exists", `Image ${command.image.id} already exists.`);
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
      if (state.status === "absent") throw new DomainError("not_found", "No such image.");
      if (state.status === "expired") return [];
      const due = state.image.expires_at;
      if (due === null || due > command.now) {
        throw new DomainError("not_due", `Image ${state.image.id} is not due to expire.`);
      }
      return [{ type: "ImageExpired", data: { id: state.image.id, expired_at: command.now } }];
    }
  }
}

export const imageDecider = {
  initialState: initialImageState,
  evolve: evolveImage,
  decide: decideImage,
};
