/**
 * Standard Webhooks signing: `webhook-signature: v1,<base64 HMAC-SHA256>` over
 * `{webhook-id}.{webhook-timestamp}.{body}`, keyed with the bytes the `whsec_` secret encodes,
 * so any Standard Webhooks library verifies our deliveries.
 */
const base64 = (bytes: Uint8Array) => {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
};

/** `whsec_` and 24 random bytes in base64, as Standard Webhooks secrets are written. */
export function newWebhookSecret(): string {
  return `whsec_${base64(crypto.getRandomValues(new Uint8Array(24)))}`;
}

export async function signWebhook(
  secret: string,
  msgId: string,
  timestampSeconds: number,
  body: string,
): Promise<string> {
  const keyBytes = Uint8Array.from(atob(secret.replace(/^whsec_/, "")), (c) => c.charCodeAt(0));
  const key = await crypto.subtle.importKey(
    "raw",
    keyBytes,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign(
    "HMAC",
    key,
    new TextEncoder().encode(`${msgId}.${timestampSeconds}.${body}`),
  );
  return `v1,${base64(new Uint8Array(mac))}`;
}
