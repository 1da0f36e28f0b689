// The idempotency Durable Object's own life: a freed key is remembered as freed for a minute (a
// request admitted then learns an earlier holder may still be landing its writes), then forgotten
// by the object's alarm, so freed keys do not pile up; a kept answer is never forgotten.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DurableObjectIdempotency } from "../../workers/gateway/src/adapters/durable-object-idempotency.ts";

const keeper = () => new DurableObjectIdempotency(env.WEBHOOK_IDEMPOTENCY);
const stub = (key: string) => env.WEBHOOK_IDEMPOTENCY.get(env.WEBHOOK_IDEMPOTENCY.idFromName(key));

describe("the idempotency object", () => {
  it("remembers a freed key for a minute, then its alarm forgets it; a quiet key says so", async () => {
    const key = `qr-issuance:test-${crypto.randomUUID()}`;
    const now = Date.now();
    const first = await keeper().admit(key, "qr-issuance", now);
    expect(first).toMatchObject({ kind: "proceed", quiet: true });
    await keeper().settle(key, (first as { lease: string }).lease, null, now);
    // Freed a moment ago: the next holder is told the key was not quiet.
    const again = await keeper().admit(key, "qr-issuance", now + 1_000);
    expect(again).toMatchObject({ kind: "proceed", quiet: false });
    await keeper().settle(key, (again as { lease: string }).lease, null, Date.now());
    // The alarm runs before the minute is up: nothing is forgotten yet.
    expect(await runDurableObjectAlarm(stub(key))).toBe(true);
    expect(await keeper().admit(key, "qr-issuance", Date.now())).toMatchObject({ kind: "proceed", quiet: false });
  });

  it("a freed key older than a minute is quiet again, and a kept answer stays", async () => {
    const key = `bill:test-${crypto.randomUUID()}`;
    const long = Date.now() - 120_000;
    const held = await keeper().admit(key, "body", long);
    await keeper().settle(key, (held as { lease: string }).lease, null, long);
    // Its alarm forgets it: the object's storage is empty again.
    expect(await runDurableObjectAlarm(stub(key))).toBe(true);
    expect(await runInDurableObject(stub(key), (_object, state) => state.storage.list())).toEqual(new Map());
    expect(await keeper().admit(key, "body", Date.now())).toMatchObject({ kind: "proceed", quiet: true });

    const kept = `bill:test-${crypto.randomUUID()}`;
    const admitted = await keeper().admit(kept, "body", long);
    await keeper().settle(kept, (admitted as { lease: string }).lease, { status: 200, body: "{}" }, long);
    await runDurableObjectAlarm(stub(kept));
    expect(await keeper().admit(kept, "body", Date.now())).toEqual({ kind: "replay", answer: { status: 200, body: "{}" } });
  });
});
