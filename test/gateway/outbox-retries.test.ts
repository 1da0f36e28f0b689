import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_PUBLISH_ATTEMPTS } from "#shared/payments/deliver-events.ts";
import { recordStore } from "../../workers/gateway/src/services.ts";
import { execute, queryRow, queryRows } from "../support/records.ts";

// A millisecond apart, so "oldest first" is the order of insertion on every store.
let inserted = 0;
async function insertEvent(eventId: string, attempts: number) {
  const at = new Date(inserted++).toISOString();
  await execute(
    "INSERT INTO event_outbox (event_id, type, message_key, payload, created_at, attempts, next_attempt_at) VALUES (?, 'gateway.payment.success', 'P000000001', '{}', ?, ?, ?)",
    eventId,
    at,
    attempts,
    at,
  );
}

describe("outbox retries", () => {
  it("backs off after a failed attempt and dead-letters after the last one", async () => {
    const outbox = recordStore(env).outbox;
    const now = new Date("2026-01-01T00:00:00Z");
    await insertEvent("retry-me", 0);
    await insertEvent("give-up", MAX_PUBLISH_ATTEMPTS - 1);

    const claimed = await outbox.claimDue(now, { limit: 10 });
    expect(claimed.map((r) => [r.eventId, r.attempts])).toEqual([
      ["retry-me", 1],
      ["give-up", MAX_PUBLISH_ATTEMPTS],
    ]);
    expect(await outbox.claimDue(now, { limit: 10 })).toEqual([]); // leased: not claimed twice
    for (const row of claimed) await outbox.markFailed(row, "broker down", now);

    const rows = await queryRows("SELECT event_id, next_attempt_at, dead_at, last_error FROM event_outbox ORDER BY event_id");
    expect(rows).toEqual([
      { event_id: "give-up", next_attempt_at: expect.any(String), dead_at: now.toISOString(), last_error: "broker down" },
      { event_id: "retry-me", next_attempt_at: "2026-01-01T00:00:30.000Z", dead_at: null, last_error: "broker down" },
    ]);
    const later = new Date("2026-01-01T01:00:00Z");
    expect((await outbox.claimDue(later, { limit: 10 })).map((r) => r.eventId)).toEqual(["retry-me"]);
  });
});

describe("outbox attempts that never reported back", () => {
  it("dead-letters a row whose last attempt died mid-publish, instead of claiming it again", async () => {
    const outbox = recordStore(env).outbox;
    await insertEvent("orphaned", MAX_PUBLISH_ATTEMPTS);
    expect(await outbox.claimDue(new Date("2026-01-01T00:00:00Z"), { limit: 10 })).toEqual([]);
    const row = await queryRow("SELECT dead_at, last_error FROM event_outbox WHERE event_id = 'orphaned'");
    expect(row).toEqual({ dead_at: "2026-01-01T00:00:00.000Z", last_error: "no outcome reported for the last attempt" });
  });
});
