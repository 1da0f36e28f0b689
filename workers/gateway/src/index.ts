import { DurableObject } from "cloudflare:workers";
export class WebhookIdempotency extends DurableObject {}
export default { fetch: () => new Response("hi") };
