// The idempotency objects' own life: keys spread over long-lived shards, each key always in the
// same one; a freed key is remembered as freed for a minute (a request admitted then learns an
// earlier holder may still be landing its writes), then forgotten by its shard's alarm, so freed
// keys do not pile up; a kept answer is never forgotten. And the upgrade from one object per key:
// while its window lasts, a key's entry of before is carried over, never after.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { PaymentError } from "#shared/payments/errors.ts";
import type { IdempotencyEntry } from "#shared/payments/idempotency-entry.ts";
import { gatewayConfig } from "../../workers/gateway/src/config.ts";
import {
  DurableObjectIdempotency,
  IDEMPOTENCY_SHARDS,
  shardNameOf,
  shardOf,
} from "../../workers/gateway/src/adapters/durable-object-idempotency.ts";

const keeper = (legacyUntil?: number) => new DurableObjectIdempotency(env.IDEMPOTENCY_SHARDS, legacyUntil);
const shard = (key: string) => env.IDEMPOTENCY_SHARDS.get(env.IDEMPOTENCY_SHARDS.idFromName(shardNameOf(key)));
const storedKeys = (key: string) =>
  runInDurableObject(shard(key), async (_object, state) => [...(await state.storage.list()).keys()].filter((k) => k.endsWith(key)));
/** Three keys and the shards they were in when the shards were introduced. */
const PINNED = [1, 10, 9];
const lease = (admission: unknown) => (admission as { lease: string }).lease;

describe("the idempotency shards", () => {
  it("put a key always in the same shard, and spread keys over all of them", () => {
    // Pinned: a deployed key must never move to another shard (its lease and kept answer stay behind).
    expect([shardOf("bill:AMK202510070001"), shardOf("khqr:150001:abc"), shardOf("qr-issuance:150001")]).toEqual(PINNED);
    expect(shardNameOf("bill:AMK202510070001")).toBe(`shard-${PINNED[0]}`);
    const used = new Set(Array.from({ length: 400 }, (_, i) => shardOf(`bill:AMK2025100700${i}`)));
    expect(used.size).toBe(IDEMPOTENCY_SHARDS);
  });

  it("remembers a freed key for a minute, then its alarm forgets it; a quiet key says so", async () => {
    const key = `qr-issuance:test-${crypto.randomUUID()}`;
    const now = Date.now();
    const first = await keeper().admit(key, "qr-issuance", now);
    expect(first).toMatchObject({ kind: "proceed", quiet: true });
    await keeper().settle(key, lease(first), null, now);
    // Freed a moment ago: the next holder is told the key was not quiet.
    const again = await keeper().admit(key, "qr-issuance", now + 1_000);
    expect(again).toMatchObject({ kind: "proceed", quiet: false });
    await keeper().settle(key, lease(again), null, Date.now());
    // The alarm runs before the minute is up: nothing is forgotten yet.
    expect(await runDurableObjectAlarm(shard(key))).toBe(true);
    expect(await keeper().admit(key, "qr-issuance", Date.now())).toMatchObject({ kind: "proceed", quiet: false });
  });

  it("forgets a freed key older than a minute, and only that one; a kept answer stays", async () => {
    const long = Date.now() - 120_000;
    const old = `bill:test-${crypto.randomUUID()}`;
    await keeper().settle(old, lease(await keeper().admit(old, "body", long)), null, long);
    // Another freed key in the same shard, freed just now: the alarm keeps it for its minute.
    let recent = "";
    for (let i = 0; shardOf(recent) !== shardOf(old) || recent === ""; i++) recent = `bill:test-${crypto.randomUUID()}`;
    await keeper().settle(recent, lease(await keeper().admit(recent, "body", Date.now())), null, Date.now());
    const kept = `bill:test-${crypto.randomUUID()}`;
    await keeper().settle(kept, lease(await keeper().admit(kept, "body", long)), { status: 200, body: "{}" }, long);

    expect(await runDurableObjectAlarm(shard(old))).toBe(true);
    expect(await storedKeys(old)).toEqual([]);
    expect(await storedKeys(recent)).toEqual([`entry:${recent}`, `freed:${recent}`]);
    // The alarm is set again for the key it kept.
    expect(await runInDurableObject(shard(recent), (_object, state) => state.storage.getAlarm())).not.toBeNull();
    expect(await keeper().admit(old, "body", Date.now())).toMatchObject({ kind: "proceed", quiet: true });
    await runDurableObjectAlarm(shard(kept));
    expect(await keeper().admit(kept, "body", Date.now())).toEqual({ kind: "replay", answer: { status: 200, body: "{}" } });
  });

  it("carries over an answer its per-key object kept before the upgrade, while the upgrade's window lasts", async () => {
    const now = Date.now();
    const key = `bill:test-${crypto.randomUUID()}`;
    await keptBefore(key, { state: "done", fingerprint: "body", answer: { status: 200, body: '{"kept":"before"}' }, completedAt: now });
    // After the window (or with none): the shard does not look, and the key is new to it.
    expect(await keeper(now - 1).admit(key, "body", now)).toMatchObject({ kind: "proceed" });

    const other = `bill:test-${crypto.randomUUID()}`;
    await keptBefore(other, { state: "done", fingerprint: "body", answer: { status: 409, body: '{"kept":"refusal"}' }, completedAt: now });
    // Inside the window: the kept answer is the replay, and another body under the key a conflict.
    const inWindow = keeper(now + 60_000);
    expect(await inWindow.admit(other, "body", now)).toEqual({ kind: "replay", answer: { status: 409, body: '{"kept":"refusal"}' } });
    expect(await inWindow.admit(other, "another body", now)).toEqual({ kind: "conflict" });
    // Carried over: the shard now answers it without the old object.
    expect(await keeper().admit(other, "body", now)).toEqual({ kind: "replay", answer: { status: 409, body: '{"kept":"refusal"}' } });
  });

  it("carries over a lease still running in its per-key object: the retry waits as it would have", async () => {
    const now = Date.now();
    const key = `bill:test-${crypto.randomUUID()}`;
    await keptBefore(key, { state: "in-flight", fingerprint: "body", lease: "before", startedAt: now - 1_000 });
    const inWindow = keeper(now + 60_000);
    const [a, b] = await Promise.all([inWindow.admit(key, "body", now), inWindow.admit(key, "body", now)]);
    expect([a, b]).toEqual([{ kind: "in-flight" }, { kind: "in-flight" }]);

    // A key its old object never saw, admitted twice at once inside the window: one proceeds.
    const fresh = `bill:test-${crypto.randomUUID()}`;
    const both = await Promise.all([inWindow.admit(fresh, "body", now), inWindow.admit(fresh, "body", now)]);
    expect(both.map((x) => x.kind).sort()).toEqual(["in-flight", "proceed"]);
  });

  it("lets a per-key object of before answer what it holds, but hold no new key: its caller retries into the shards", async () => {
    const now = Date.now();
    const key = `bill:test-${crypto.randomUUID()}`;
    const before = oldObject(key);
    // A request of the previous version, still running during the deploy, with a key never seen.
    expect(await before.admit("body", now)).toEqual({ kind: "in-flight" });
    expect(await runInDurableObject(before, (_object, state) => state.storage.list())).toEqual(new Map());
    // One it holds: settled and replayed as before.
    await keptBefore(key, { state: "in-flight", fingerprint: "body", lease: "before", startedAt: now - 1_000 });
    await before.settle("before", { status: 200, body: "{}" }, now);
    expect(await before.admit("body", now)).toEqual({ kind: "replay", answer: { status: 200, body: "{}" } });
    expect(await before.admit("another body", now)).toEqual({ kind: "conflict" });
  });
});

describe("IDEMPOTENCY_LEGACY_UNTIL", () => {
  const parsed = (value: string) => {
    try {
      return gatewayConfig({ ...env, IDEMPOTENCY_LEGACY_UNTIL: value }).idempotencyLegacyUntil;
    } catch (error) {
      return (error as PaymentError).reason;
    }
  };

  it("is the end of the upgrade's window, and a value that is no date stops the worker instead of never opening it", () => {
    expect(parsed("2027-01-31T00:00:00Z")).toBe(Date.UTC(2027, 0, 31));
    expect(parsed("2027-01-31T07:00:00+07:00")).toBe(Date.UTC(2027, 0, 31));
    // valibot's isoTimestamp takes these; Date.parse does not.
    expect(parsed("2027-01-31T00:00:00+07")).toContain("IDEMPOTENCY_LEGACY_UNTIL must be an ISO date-time");
    expect(parsed("31/01/2027")).toContain("IDEMPOTENCY_LEGACY_UNTIL must be an ISO date-time");
    expect(gatewayConfig({ ...env }).idempotencyLegacyUntil).toBeUndefined();
  });
});

const oldObject = (key: string) => env.WEBHOOK_IDEMPOTENCY.get(env.WEBHOOK_IDEMPOTENCY.idFromName(key));
/** What a per-key object of before holds for `key`, written as it kept it (under "entry"). */
const keptBefore = (key: string, entry: IdempotencyEntry) =>
  runInDurableObject(oldObject(key), (_object, state) => state.storage.put("entry", entry));
