import assert from "node:assert/strict";
import { deciderSpec } from "../testing/decider_spec.ts";
import { imageDecider, type UploadImage } from "./decider.ts";

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

const { given } = deciderSpec(imageDecider);

Deno.test("an anonymous upload expires after the 30-day retention", () => {
  const [event] = given([]).when(upload()).events();
  assert.equal(event.type, "ImageUploaded");
  assert.equal(event.data.created_at, NOW);
  assert.equal((event.data as { expires_at: number }).expires_at, NOW + 30 * DAY);
});

Deno.test("an anonymous upload may ask for a shorter ttl", () => {
  const [event] = given([]).when(upload({ ttlSeconds: 7200 })).events();
  assert.equal((event.data as { expires_at: number }).expires_at, NOW + 7200);
});

Deno.test("an anonymous upload may not outlive the retention", () => {
  given([]).when(upload({ ttlSeconds: 31 * DAY })).then({
    error: "validation_error",
    field: "ttl",
  });
});

Deno.test("a keyed upload is permanent unless a ttl is given", () => {
  const owned = upload();
  owned.image = { ...owned.image, owner: "acc1" };
  assert.equal((given([]).when(owned).events()[0].data as { expires_at: null }).expires_at, null);
  const [withTtl] = given([]).when({ ...owned, ttlSeconds: 60 * DAY }).events();
  assert.equal((withTtl.data as { expires_at: number }).expires_at, NOW + 60 * DAY);
});

Deno.test("an image id cannot be uploaded twice", () => {
  const first = given([]).when(upload()).events();
  given(first).when(upload()).thenError("already_exists");
});

Deno.test("expiry happens only when due", () => {
  const history = given([]).when(upload()).events();
  given(history).when({ type: "ExpireImage", now: NOW + 30 * DAY - 1 }).thenError("not_due");
  given(history).when({ type: "ExpireImage", now: NOW + 30 * DAY }).then([{
    type: "ImageExpired",
    data: { id: "AbCdEfGh12", expired_at: NOW + 30 * DAY },
  }]);
});

Deno.test("expiring twice changes nothing", () => {
  const history = given([]).when(upload()).events();
  const expired = given(history).when({ type: "ExpireImage", now: NOW + 40 * DAY }).events();
  given([...history, ...expired]).when({ type: "ExpireImage", now: NOW + 41 * DAY }).then([]);
});

Deno.test("a permanent image never expires", () => {
  const owned = upload();
  owned.image = { ...owned.image, owner: "acc1" };
  const history = given([]).when(owned).events();
  given(history).when({ type: "ExpireImage", now: NOW + 3650 * DAY }).thenError("not_due");
});

Deno.test("expiring an unknown image is refused", () => {
  given([]).when({ type: "ExpireImage", now: NOW }).thenError("not_found");
});
