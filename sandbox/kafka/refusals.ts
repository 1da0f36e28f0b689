// Keys whose records the broker refuses, and how: "http" fails the whole request with 503;
// "delivery-report" answers 200 with a failed delivery report, which a producer must also treat
// as a failure (docs/contracts.md).
import { json, readJson } from "../http.ts";

export const REFUSAL_MODES = ["http", "delivery-report"] as const;
export type RefusalMode = (typeof REFUSAL_MODES)[number];

/** Confluent's "retriable" produce error, as its delivery reports carry it. */
export const RETRIABLE_ERROR_CODE = 50003;
export const REFUSED_MESSAGE = "Sandbox refused records with this key: broker unavailable";

export class Refusals {
  readonly #modes = new Map<string, RefusalMode>();

  modeFor(key: string | null): RefusalMode | undefined {
    return key === null ? undefined : this.#modes.get(key);
  }

  /** POST /__sandbox/kafka/refuse {key, refuse?, mode?}. */
  async control(req: Request): Promise<Response> {
    const body = (await readJson(req)) as { key?: unknown; refuse?: unknown; mode?: unknown } | undefined;
    if (typeof body?.key !== "string" || body.key === "") return json({ error: "key required" }, 400);
    if (body.refuse !== undefined && typeof body.refuse !== "boolean") return json({ error: "refuse must be true or false" }, 400);
    const mode = body.mode ?? "http";
    if (!(REFUSAL_MODES as readonly unknown[]).includes(mode))
      return json({ error: `mode must be one of ${REFUSAL_MODES.join(", ")}` }, 400);
    if (body.refuse === false) this.#modes.delete(body.key);
    else this.#modes.set(body.key, mode as RefusalMode);
    return json({ key: body.key, refused: this.#modes.has(body.key), mode: this.#modes.get(body.key) ?? null });
  }
}
