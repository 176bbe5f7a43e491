export { BACKOFF_MS, GIVE_UP_AFTER_MS, WebhookDispatcher } from "./dispatcher.ts";
export { signWebhook } from "./signature.ts";
export { type Attempt, WEBHOOK_EVENT_TYPES, type WebhookEventType } from "./types.ts";
export { MAX_WEBHOOKS_PER_ACCOUNT, WEBHOOK_ID, WebhookService } from "./webhook_service.ts";
export { WebhookStore } from "./webhook_store.ts";
