import assert from "node:assert/strict";
import { withKey } from "./accounts.ts";
import { type TestApp, withApp } from "./http.ts";

export type Received = { headers: Headers; body: string; at: number };

/** A webhook endpoint on loopback: records every POST and answers `status(n)` to the n-th. */
export type Receiver = {
  url: string;
  got: Received[];
  status: (n: number) => number;
  /** Resolves when `n` deliveries have arrived, or fails after `ms`. */
  waitFor(n: number, ms?: number): Promise<void>;
};

/** Starts a receiver; `close` shuts it down. */
export function startReceiver(
  status: (n: number) => number = () => 204,
): { receiver: Receiver; host: string; close: () => Promise<void> } {
  const got: Received[] = [];
  const receiver = { got, status } as Receiver;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    got.push({ headers: req.headers, body: await req.text(), at: performance.now() });
    return new Response(null, { status: receiver.status(got.length) });
  });
  const host = `127.0.0.1:${server.addr.port}`;
  receiver.url = `http://${host}/hooks/imgpro`;
  receiver.waitFor = async (n, ms = 10_000) => {
    const until = performance.now() + ms;
    while (got.length < n) {
      if (performance.now() > until) assert.fail(`${got.length} of ${n} deliveries after ${ms} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { receiver, host, close: () => server.shutdown() };
}

/** A test app whose IMPORT_ALLOW_HOSTS admits a fresh receiver; the dispatcher is stopped after. */
export async function withReceiver(
  fn: (t: TestApp, r: Receiver) => Promise<void>,
  status: (n: number) => number = () => 204,
): Promise<void> {
  const { receiver, host, close } = startReceiver(status);
  try {
    await withApp(async (t) => {
      try {
        await fn(t, receiver);
      } finally {
        await t.services.webhookDispatcher.stop();
      }
    }, { IMPORT_ALLOW_HOSTS: host });
  } finally {
    await close();
  }
}

/**
 * Standard Webhooks verification, written from the specification rather than with our own
 * signer: HMAC-SHA256 keyed with the secret's base64 bytes over `id.timestamp.body`, compared
 * with each `v1,` entry of the header.
 */
export async function verifySignature(secret: string, r: Received): Promise<boolean> {
  const id = r.headers.get("webhook-id");
  const timestamp = r.headers.get("webhook-timestamp");
  const header = r.headers.get("webhook-signature");
  if (!id || !timestamp || !header || !secret.startsWith("whsec_")) return false;
  const key = await crypto.subtle.importKey(
    "raw",
    Uint8Array.from(atob(secret.slice(6)), (c) => c.charCodeAt(0)),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["verify"],
  );
  for (const entry of header.split(" ")) {
    const [version, sig] = entry.split(",");
    if (version !== "v1" || !sig) continue;
    const mac = Uint8Array.from(atob(sig), (c) => c.charCodeAt(0));
    const signed = new TextEncoder().encode(`${id}.${timestamp}.${r.body}`);
    if (await crypto.subtle.verify("HMAC", key, mac, signed)) return true;
  }
  return false;
}

/** POST /v1/webhooks with the key. */
export function register(t: TestApp, key: string, url: string, events: string[]) {
  return withKey(t, key, "/v1/webhooks", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ url, events }),
  });
}

/** Registers and asserts 201: the webhook's id and its one-time secret. */
export async function registered(t: TestApp, key: string, url: string, events: string[]) {
  const res = await register(t, key, url, events);
  const body = await res.json();
  assert.equal(res.status, 201, JSON.stringify(body));
  return body as { id: string; secret: string };
}
