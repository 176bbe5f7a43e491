import { accountDecider, emailClaimDecider } from "./account/decider.ts";
import type { SomeDecider } from "./decider.ts";
import { imageDecider } from "./image/decider.ts";
import type { StreamType } from "./streams.ts";

/** The decider of each stream type: what the actor runtime is built with. */
export const DECIDERS = {
  image: imageDecider,
  account: accountDecider,
  email: emailClaimDecider,
} satisfies Record<StreamType, SomeDecider>;

export type Deciders = typeof DECIDERS;
