// Operators resolving payment exceptions, on the in-memory ports: who and when are kept, each step
// is announced with its record, a repeat is a replay, and a change of mind needs a person to look.
import { deepStrictEqual, equal, rejects } from "node:assert/strict";
import { PaymentError } from "#shared/payments/errors.ts";
import { toMoney } from "#shared/payments/money.ts";
import { judgeResolution, resolveException } from "#shared/payments/resolve-exception.ts";
import { coreWorld, type CoreWorld } from "./world.ts";

async function flagged(world: CoreWorld) {
  const exceptionId = crypto.randomUUID();
  const outcome = await world.records.commit(
    {
      exception: {
        exceptionId,
        kind: "DUPLICATE_PAYMENT",
        paymentId: 610_001,
        policyNumber: "P610000001",
        channel: "BILL",
        transactionId: `AMK${exceptionId.slice(0, 8)}`,
        money: toMoney(89.5, "USD"),
      },
      events: [],
    },
    world.clock.now(),
  );
  equal(outcome, "committed");
  return exceptionId;
}

const resolve = (world: CoreWorld, exceptionId: string, resolution: "refund-requested" | "refunded" | "written-off", by = "ops-desk") =>
  resolveException(world, { exceptionId, resolution, note: `${resolution} by ${by}`, resolvedBy: by });

const resolvedEvents = (world: CoreWorld) =>
  [...world.records.outboxRows.values()].filter((r) => r.event.type === "gateway.payment.exception-resolved").map((r) => r.event.value);

async function refusedWith(work: Promise<unknown>, code: string, details?: string) {
  await rejects(work, (error: unknown) => {
    equal((error as PaymentError).code, code);
    if (details !== undefined) equal((error as PaymentError).details, details);
    return true;
  });
}

Deno.test("the rule: open takes any resolution, the same again is a replay, only a requested refund may become refunded", () => {
  const step = (resolution: "refund-requested" | "refunded" | "written-off") => ({
    resolution,
    note: "n",
    resolvedBy: "x",
    resolvedAt: "t",
  });
  deepStrictEqual(judgeResolution([], "written-off"), { kind: "record", step: 1 });
  deepStrictEqual(judgeResolution([step("refund-requested")], "refund-requested"), { kind: "replay" });
  deepStrictEqual(judgeResolution([step("refund-requested")], "refunded"), { kind: "record", step: 2 });
  deepStrictEqual(judgeResolution([step("refund-requested")], "written-off"), { kind: "conflict", current: "refund-requested" });
  deepStrictEqual(judgeResolution([step("written-off")], "refunded"), { kind: "conflict", current: "written-off" });
  deepStrictEqual(judgeResolution([step("refunded")], "refund-requested"), { kind: "conflict", current: "refunded" });
  deepStrictEqual(judgeResolution([step("refund-requested"), step("refunded")], "refunded"), { kind: "replay" });
});

Deno.test("a resolution is kept with who and when, and announced in the same unit of work", async () => {
  const world = coreWorld();
  const exceptionId = await flagged(world);
  const answer = await resolve(world, exceptionId, "written-off");
  equal(answer.replayed, false);
  deepStrictEqual(answer.exception.resolutions, [
    { resolution: "written-off", note: "written-off by ops-desk", resolvedBy: "ops-desk", resolvedAt: world.clock.now().toISOString() },
  ]);
  deepStrictEqual((await world.records.findException(exceptionId))?.resolutions, answer.exception.resolutions);
  const [event] = resolvedEvents(world);
  equal(answer.eventIds.length, 1);
  deepStrictEqual(event, {
    eventId: answer.eventIds[0],
    type: "gateway.payment.exception-resolved",
    version: 1,
    occurredAt: world.clock.now().toISOString(),
    exceptionId,
    kind: "DUPLICATE_PAYMENT",
    paymentId: 610_001,
    policyNumber: "P610000001",
    channel: "BILL",
    transactionId: `AMK${exceptionId.slice(0, 8)}`,
    amount: 89.5,
    currency: "USD",
    resolution: "written-off",
    note: "written-off by ops-desk",
    resolvedBy: "ops-desk",
    resolvedAt: world.clock.now().toISOString(),
  });
});

Deno.test("the same resolution again is a replay that writes nothing; another one is a 409 naming the current one", async () => {
  const world = coreWorld();
  const exceptionId = await flagged(world);
  await resolve(world, exceptionId, "written-off", "alice");
  const again = await resolve(world, exceptionId, "written-off", "bob");
  equal(again.replayed, true);
  deepStrictEqual(again.eventIds, []);
  deepStrictEqual(
    again.exception.resolutions?.map((r) => r.resolvedBy),
    ["alice"],
  );
  await refusedWith(resolve(world, exceptionId, "refunded"), "DUPLICATE_TRANSACTION", "resolution: written-off");
  equal(resolvedEvents(world).length, 1);
});

Deno.test("a requested refund becomes refunded: both steps kept in order, each announced", async () => {
  const world = coreWorld();
  const exceptionId = await flagged(world);
  await resolve(world, exceptionId, "refund-requested", "alice");
  world.clock.advance(60_000);
  const done = await resolve(world, exceptionId, "refunded", "bob");
  deepStrictEqual(
    done.exception.resolutions?.map((r) => [r.resolution, r.resolvedBy]),
    [
      ["refund-requested", "alice"],
      ["refunded", "bob"],
    ],
  );
  deepStrictEqual(
    resolvedEvents(world).map((e) => e.resolution),
    ["refund-requested", "refunded"],
  );
  await refusedWith(resolve(world, exceptionId, "written-off"), "DUPLICATE_TRANSACTION", "resolution: refunded");
});

Deno.test("two operators resolving at the same moment: one step is written, the other is judged against it", async () => {
  const world = coreWorld();
  const exceptionId = await flagged(world);
  const [first, second] = await Promise.allSettled([
    resolve(world, exceptionId, "written-off"),
    resolve(world, exceptionId, "refund-requested"),
  ]);
  const outcomes = [first, second].map((o) => (o.status === "fulfilled" ? "resolved" : (o.reason as PaymentError).code)).sort();
  deepStrictEqual(outcomes, ["DUPLICATE_TRANSACTION", "resolved"]);
  equal((await world.records.findException(exceptionId))?.resolutions?.length, 1);
  equal(resolvedEvents(world).length, 1);
});

Deno.test("an unknown exception is 404", async () => {
  await refusedWith(resolve(coreWorld(), crypto.randomUUID(), "refunded"), "RESOURCE_NOT_FOUND");
});
