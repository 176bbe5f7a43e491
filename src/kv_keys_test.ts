import assert from "node:assert/strict";
import { kvKeys } from "./kv_keys.ts";

type Concern = keyof typeof kvKeys;

/**
 * Every builder with sample arguments and the key it must produce. These are the bytes already
 * on disk: a change here makes existing data unreadable.
 */
const LAYOUT: { [C in Concern]: { [B in keyof (typeof kvKeys)[C]]: [Deno.KvKey, Deno.KvKey] } } = {
  events: {
    event: [kvKeys.events.event("image:a", 3), ["s", "image:a", 3]],
    streamEvents: [kvKeys.events.streamEvents("image:a"), ["s", "image:a"]],
    streams: [kvKeys.events.streams(), ["s"]],
    head: [kvKeys.events.head("image:a"), ["s", "image:a", "head"]],
    log: [kvKeys.events.log(), ["log"]],
    logAt: [kvKeys.events.logAt("0001"), ["log", "0001"]],
    logHead: [kvKeys.events.logHead(), ["log", "~head"]],
    logEnd: [kvKeys.events.logEnd(), ["log", "~"]],
    command: [kvKeys.events.command("k1"), ["cmd", "k1"]],
    doc: [kvKeys.events.doc("images", "g1", ["a"]), ["p", "images", "g1", "d", "a"]],
    docs: [kvKeys.events.docs("images", "g1"), ["p", "images", "g1", "d"]],
    index: [
      kvKeys.events.index("images", "g1", ["owner", "o"], ["a"]),
      ["p", "images", "g1", "i", "owner", "o", "a"],
    ],
    indexPrefix: [kvKeys.events.indexPrefix("images", "g1"), ["p", "images", "g1", "i"]],
    generation: [kvKeys.events.generation("images", "g1"), ["p", "images", "g1"]],
  },
  meta: {
    projectionGens: [kvKeys.meta.projectionGens(), ["meta", "projection_gens"]],
    previousProjectionGens: [
      kvKeys.meta.previousProjectionGens(),
      ["meta", "projection_gens_previous"],
    ],
    devSecret: [kvKeys.meta.devSecret(), ["meta", "dev_secret"]],
  },
  blobs: {
    meta: [kvKeys.blobs.meta("h"), ["blobmeta", "h"]],
    allMeta: [kvKeys.blobs.allMeta(), ["blobmeta"]],
    gen: [kvKeys.blobs.gen("h", "g"), ["bgen", "h", "g"]],
    allGens: [kvKeys.blobs.allGens(), ["bgen"]],
    chunk: [kvKeys.blobs.chunk("h", "g", 2), ["blob", "h", "g", 2]],
  },
  variants: {
    entry: [kvKeys.variants.entry("img", "w=10"), ["variant", "img", "w=10"]],
    ofImage: [kvKeys.variants.ofImage("img"), ["variant", "img"]],
    lru: [kvKeys.variants.lru(5, "img", "w=10"), ["variant_lru", 5, "img", "w=10"]],
    allLru: [kvKeys.variants.allLru(), ["variant_lru"]],
    ref: [kvKeys.variants.ref("h", "img", "w=10"), ["variant_ref", "h", "img", "w=10"]],
    refsOf: [kvKeys.variants.refsOf("h"), ["variant_ref", "h"]],
    total: [kvKeys.variants.total(), ["variant_total"]],
  },
  sessions: { session: [kvKeys.sessions.session("th"), ["session", "th"]] },
  rateLimits: {
    window: [kvKeys.rateLimits.window("login", "ip", 900, 7), ["rl", "login", "ip", 900, 7]],
  },
  emailVault: { accountKey: [kvKeys.emailVault.accountKey("acc1"), ["account_key", "acc1"]] },
  webhooks: {
    hook: [kvKeys.webhooks.hook("wh"), ["webhook", "wh"]],
    byOwner: [kvKeys.webhooks.byOwner("o", "wh"), ["webhook_owner", "o", "wh"]],
    ownerMarker: [kvKeys.webhooks.ownerMarker("o"), ["webhook_owner_marker", "o"]],
    queue: [kvKeys.webhooks.queue("wh", "s1"), ["webhook_queue", "wh", "s1"]],
    pending: [kvKeys.webhooks.pending("wh"), ["webhook_pending", "wh"]],
    attempts: [kvKeys.webhooks.attempts("wh"), ["webhook_attempt", "wh"]],
    attempt: [kvKeys.webhooks.attempt("wh", 9, "m", 1), ["webhook_attempt", "wh", 9, "m", 1]],
    checkpoint: [kvKeys.webhooks.checkpoint(), ["webhook_checkpoint"]],
    lease: [kvKeys.webhooks.lease("wh"), ["webhook_lease", "wh"]],
  },
  jobs: { lease: [kvKeys.jobs.lease("cron:expire"), ["lease", "cron:expire"]] },
};

const builders = (c: Concern): [string, [Deno.KvKey, Deno.KvKey]][] => Object.entries(LAYOUT[c]);

Deno.test("every KV key keeps the parts and order of the data already stored", () => {
  for (const concern of Object.keys(kvKeys) as Concern[]) {
    assert.deepEqual(
      Object.keys(LAYOUT[concern]).sort(),
      Object.keys(kvKeys[concern]).sort(),
      `${concern}: every builder is listed`,
    );
    for (const [name, [built, stored]] of builders(concern)) {
      assert.deepEqual(built, stored, `${concern}.${name}`);
    }
  }
});

Deno.test("the optional parts of the webhook keys give their listing prefixes", () => {
  assert.deepEqual(kvKeys.webhooks.byOwner("o"), ["webhook_owner", "o"]);
  assert.deepEqual(kvKeys.webhooks.queue("wh"), ["webhook_queue", "wh"]);
  assert.deepEqual(kvKeys.webhooks.pending(), ["webhook_pending"]);
  assert.deepEqual(kvKeys.events.indexPrefix("images", "g1", ["owner"]), [
    "p",
    "images",
    "g1",
    "i",
    "owner",
  ]);
});

Deno.test("no two concerns share a first key part, so one's listing never reads another's", () => {
  const owner = new Map<Deno.KvKeyPart, Concern>();
  for (const concern of Object.keys(kvKeys) as Concern[]) {
    for (const [name, [built]] of builders(concern)) {
      const first = built[0];
      assert.equal(
        owner.get(first) ?? concern,
        concern,
        `${concern}.${name} uses ${String(first)}`,
      );
      owner.set(first, concern);
    }
  }
  assert.deepEqual(Object.fromEntries(owner), {
    s: "events",
    log: "events",
    cmd: "events",
    p: "events",
    meta: "meta",
    blobmeta: "blobs",
    bgen: "blobs",
    blob: "blobs",
    variant: "variants",
    variant_lru: "variants",
    variant_ref: "variants",
    variant_total: "variants",
    session: "sessions",
    rl: "rateLimits",
    account_key: "emailVault",
    webhook: "webhooks",
    webhook_owner: "webhooks",
    webhook_owner_marker: "webhooks",
    webhook_queue: "webhooks",
    webhook_pending: "webhooks",
    webhook_attempt: "webhooks",
    webhook_checkpoint: "webhooks",
    webhook_lease: "webhooks",
    lease: "jobs",
  });
});

Deno.test("the single named values under meta each have their own name", () => {
  const names = builders("meta").map(([, [built]]) => built[1]);
  assert.equal(new Set(names).size, names.length, `${names}`);
  for (const [, [built]] of builders("meta")) assert.equal(built.length, 2);
});
