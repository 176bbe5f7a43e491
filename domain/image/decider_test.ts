import assert from "node:assert/strict";
import { AppError } from "../errors.ts";
import {
  decideImage,
  evolveImage,
  type ImageCommand,
  initialImageState,
  type UploadImage,
} from "./decider.ts";
import type { ImageEvent } from "./events.ts";

const DAY = 86_400;
const NOW = 1_800_000_000;

const upload = (over: Partial<UploadImage> = {}): UploadImage => ({
  type: "UploadImage",
  now: NOW,
  anonRetentionSeconds: 30 * DAY,
  image: {
    id: "AbCdEfGh12",
    source: "upload",
    owner: null,
    client: "c1",
    blob: { hash: "a".repeat(64), size: 1234 },
    format: "jpeg",
    extension: "jpg",
    mime: "image/jpeg",
    width: 512,
    height: 512,
    frames: 1,
  },
  ...over,
});

/** Given past events, when a command is decided, then these events (or this error). */
function given(events: ImageEvent[]) {
  const state = events.reduce(evolveImage, initialImageState());
  return { when: (command: ImageCommand) => decideImage(command, state) };
}

function throwsDomain(fn: () => unknown, code: string, field?: string) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof AppError);
    assert.equal(err.code, code);
    if (field) assert.equal(err.details.field, field);
    return true;
  });
}

Deno.test("an anonymous upload expires after the 30-day retention", () => {
  const [event] = given([]).when(upload());
  assert.equal(event.type, "ImageUploaded");
  assert.equal(event.data.created_at, NOW);
  assert.equal((event.data as { expires_at: number }).expires_at, NOW + 30 * DAY);
});

Deno.test("an anonymous upload may ask for a shorter ttl", () => {
  const [event] = given([]).when(upload({ ttlSeconds: 7200 }));
  assert.equal((event.data as { expires_at: number }).expires_at, NOW + 7200);
});

Deno.test("an anonymous upload may not outlive the retention", () => {
  throwsDomain(() => given([]).when(upload({ ttlSeconds: 31 * DAY })), "validation_error", "ttl");
});

Deno.test("a keyed upload is permanent unless a ttl is given", () => {
  const owned = upload();
  owned.image = { ...owned.image, owner: "acc1" };
  assert.equal((given([]).when(owned)[0].data as { expires_at: null }).expires_at, null);
  const [withTtl] = given([]).when({ ...owned, ttlSeconds: 60 * DAY });
  assert.equal((withTtl.data as { expires_at: number }).expires_at, NOW + 60 * DAY);
});

Deno.test("an image id cannot be uploaded twice", () => {
  const first = given([]).when(upload());
  throwsDomain(() => given(first).when(upload()), "already_exists");
});

Deno.test("expiry happens only when due", () => {
  const history = given([]).when(upload());
  throwsDomain(
    () => given(history).when({ type: "ExpireImage", now: NOW + 30 * DAY - 1 }),
    "not_due",
  );
  const expired = given(history).when({ type: "ExpireImage", now: NOW + 30 * DAY });
  assert.deepEqual(expired, [{
    type: "ImageExpired",
    data: { id: "AbCdEfGh12", expired_at: NOW + 30 * DAY },
  }]);
});

Deno.test("expiring twice changes nothing", () => {
  const history = given([]).when(upload());
  const expired = given(history).when({ type: "ExpireImage", now: NOW + 40 * DAY });
  assert.deepEqual(
    given([...history, ...expired]).when({ type: "ExpireImage", now: NOW + 41 * DAY }),
    [],
  );
});

Deno.test("a permanent image never expires", () => {
  const owned = upload();
  owned.image = { ...owned.image, owner: "acc1" };
  const history = given([]).when(owned);
  throwsDomain(
    () => given(history).when({ type: "ExpireImage", now: NOW + 3650 * DAY }),
    "not_due",
  );
});

Deno.test("expiring an unknown image is refused", () => {
  throwsDomain(() => given([]).when({ type: "ExpireImage", now: NOW }), "not_found");
});
