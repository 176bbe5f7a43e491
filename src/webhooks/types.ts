/** The event types a webhook may subscribe to, from the image events they come from. */
export const WEBHOOK_EVENT_TYPES = ["image.created", "image.deleted", "image.expired"] as const;
export type WebhookEventType = typeof WEBHOOK_EVENT_TYPES[number];

export const EVENT_TYPE_OF: Record<string, WebhookEventType> = {
  ImageUploaded: "image.created",
  ImageDeleted: "image.deleted",
  ImageExpired: "image.expired",
};

/**
 * A registration. Kept in KV, not in the event log: it holds a signing secret that must be
 * readable to sign (so it cannot be hashed like an API key), and the log is forever. The secret
 * is sealed (AES-GCM under SECRET) at rest.
 */
export type Webhook = {
  id: string;
  owner: string;
  url: string;
  events: WebhookEventType[];
  /** Unix milliseconds: only events decided after this are delivered. */
  created_at_ms: number;
  secret_sealed: string;
  /** active: deliveries succeed; retrying: one is being retried; failed: one gave up after 24 h. */
  status: "active" | "retrying" | "failed";
  delivered: number;
  failed_deliveries: number;
};

/** One message waiting for delivery, in the webhook's queue in log order. */
export type Delivery = {
  /** The `webhook-id` header: the same on every retry, so receivers can deduplicate. */
  msg_id: string;
  type: WebhookEventType;
  image_id: string;
  /** The event the body is built from (see payloadOf). */
  event: { stream: string; version: number };
  /** The body itself, in entries queued before deliveries referred to their event. */
  body?: string;
  /** When the event was decided (Unix ms): retries stop 24 h after it. */
  event_at_ms: number;
  attempts: number;
  next_at_ms: number;
};

export type Attempt = {
  msg_id: string;
  type: WebhookEventType;
  image_id: string;
  attempt: number;
  /** Unix seconds. */
  at: number;
  status_code: number | null;
  error: string | null;
  result: "delivered" | "retrying" | "failed";
  /** Unix seconds of the next try, while retrying. */
  next_attempt_at: number | null;
};
