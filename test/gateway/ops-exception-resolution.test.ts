// Operators resolving a payment exception through the gateway, on each store: who and when are kept,
// the step is announced on Kafka, a repeat is a replay, a change of mind is 409, bad input is 400.
import { describe, expect, it } from "vitest";
import { billConfirmationFor } from "../support/bill-payment.ts";
import { callGateway } from "../support/gateway.ts";
import { kafkaRecords, seedPremium, type TestPremium } from "../support/sandbox.ts";
import { tokenFor } from "../support/tokens.ts";
import { queryRows } from "../support/records.ts";

async function operator(path: string, body?: unknown, subject = "ops-alice") {
  const token = await tokenFor(["payments:operate"], { subject });
  return callGateway(path, { token, ...(body === undefined ? {} : { method: "POST", body }) });
}

/** A premium paid by bill, then paid again under another bank transaction: one DUPLICATE_PAYMENT exception. */
async function flaggedException(): Promise<{ premium: TestPremium; exceptionId: string }> {
  const premium = await seedPremium();
  expect((await callGateway("/AMK/payments", { method: "POST", body: billConfirmationFor(premium) })).status).toBe(200);
  expect((await callGateway("/AMK/payments", { method: "POST", body: billConfirmationFor(premium) })).status).toBe(409);
  const [row] = await queryRows<{ exception_id: string }>("SELECT exception_id FROM payment_exceptions WHERE payment_id = ?", premium.id);
  return { premium, exceptionId: row!.exception_id };
}

const resolve = (exceptionId: string, body: unknown, subject?: string) =>
  operator(`/ops/exceptions/${exceptionId}/resolution`, body, subject);

const resolvedEvents = async (premium: TestPremium) =>
  (await kafkaRecords(premium.policyNumber)).filter((r) => r.topic === "dev.gateway.payment.exception-resolved");

describe("POST /ops/exceptions/{exceptionId}/resolution", () => {
  it("records the resolution with who and when, announces it, and shows it in /ops/exceptions and /ops/payments/{id}", async () => {
    const { premium, exceptionId } = await flaggedException();
    const before = Date.now();
    const answer = await resolve(exceptionId, { resolution: "written-off", note: "  Customer agreed: fee waived  " }, "ops-alice");
    expect(answer.status).toBe(200);
    const body = await answer.json<any>();
    expect(body.data.replayed).toBe(false);
    const step = {
      resolution: "written-off",
      note: "Customer agreed: fee waived",
      resolvedBy: "ops-alice",
      resolvedAt: expect.any(String),
    };
    expect(body.data.exception).toMatchObject({
      exceptionId,
      kind: "DUPLICATE_PAYMENT",
      paymentId: premium.id,
      resolution: step,
      resolutions: [step],
    });
    expect(Date.parse(body.data.exception.resolution.resolvedAt)).toBeGreaterThanOrEqual(before - 1000);

    const listed = (await (await operator("/ops/exceptions?limit=500")).json<any>()).data.exceptions.find(
      (e: any) => e.exceptionId === exceptionId,
    );
    expect(listed).toMatchObject({ resolution: step, resolutions: [step] });
    const story = await (await operator(`/ops/payments/${premium.id}`)).json<any>();
    expect(story.data.exceptions).toMatchObject([{ exceptionId, resolution: step, resolutions: [step] }]);
    expect(story.data.events.filter((e: any) => e.type === "gateway.payment.exception-resolved")).toMatchObject([{ state: "published" }]);

    const events = await resolvedEvents(premium);
    expect(events.map((e) => e.value)).toEqual([
      {
        eventId: expect.any(String),
        type: "gateway.payment.exception-resolved",
        version: 1,
        occurredAt: body.data.exception.resolution.resolvedAt,
        exceptionId,
        kind: "DUPLICATE_PAYMENT",
        paymentId: premium.id,
        policyNumber: premium.policyNumber,
        channel: "BILL",
        transactionId: expect.any(String),
        amount: 150,
        currency: "USD",
        resolution: "written-off",
        note: "Customer agreed: fee waived",
        resolvedBy: "ops-alice",
        resolvedAt: body.data.exception.resolution.resolvedAt,
      },
    ]);
    expect(events[0]!.key).toBe(premium.policyNumber);
  });

  it("the same resolution again is a replay that writes nothing; another one is 409 naming the current resolution", async () => {
    const { premium, exceptionId } = await flaggedException();
    expect((await resolve(exceptionId, { resolution: "written-off", note: "first" }, "ops-alice")).status).toBe(200);
    const again = await resolve(exceptionId, { resolution: "written-off", note: "second" }, "ops-bob");
    expect(again.status).toBe(200);
    const replayed = await again.json<any>();
    expect(replayed.data.replayed).toBe(true);
    expect(replayed.data.exception.resolutions.map((r: any) => [r.note, r.resolvedBy])).toEqual([["first", "ops-alice"]]);
    const changed = await resolve(exceptionId, { resolution: "refunded", note: "changed my mind" });
    expect(changed.status).toBe(409);
    expect((await changed.json<any>()).error).toMatchObject({ code: "DUPLICATE_TRANSACTION", details: "resolution: written-off" });
    expect(await queryRows("SELECT step FROM payment_exception_resolutions WHERE exception_id = ?", exceptionId)).toHaveLength(1);
    expect(await resolvedEvents(premium)).toHaveLength(1);
  });

  it("a requested refund becomes refunded: both steps kept in order, each announced", async () => {
    const { premium, exceptionId } = await flaggedException();
    expect((await resolve(exceptionId, { resolution: "refund-requested", note: "ticket 4711" }, "ops-alice")).status).toBe(200);
    const refunded = await resolve(exceptionId, { resolution: "refunded", note: "refund booked" }, "ops-bob");
    expect(refunded.status).toBe(200);
    const body = await refunded.json<any>();
    expect(body.data.exception.resolution).toMatchObject({ resolution: "refunded", resolvedBy: "ops-bob" });
    expect(body.data.exception.resolutions.map((r: any) => [r.resolution, r.resolvedBy])).toEqual([
      ["refund-requested", "ops-alice"],
      ["refunded", "ops-bob"],
    ]);
    expect((await resolvedEvents(premium)).map((e) => e.value.resolution)).toEqual(["refund-requested", "refunded"]);
    expect((await resolve(exceptionId, { resolution: "refund-requested", note: "again?" })).status).toBe(409);
  });

  it("two operators at the same moment: one step written, one event, the other answered from it", async () => {
    const { premium, exceptionId } = await flaggedException();
    const answers = await Promise.all([
      resolve(exceptionId, { resolution: "written-off", note: "a" }, "ops-alice"),
      resolve(exceptionId, { resolution: "refund-requested", note: "b" }, "ops-bob"),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect(await queryRows("SELECT step FROM payment_exception_resolutions WHERE exception_id = ?", exceptionId)).toHaveLength(1);
    expect(await resolvedEvents(premium)).toHaveLength(1);
  });

  it("refuses bad input with 400 in the envelope, an unknown exception with 404, other scopes with 403", async () => {
    const { exceptionId } = await flaggedException();
    const refusals = [
      await resolve(exceptionId, { resolution: "forgiven", note: "x" }),
      await resolve(exceptionId, { resolution: "refunded" }),
      await resolve(exceptionId, { resolution: "refunded", note: "   " }),
      await resolve(exceptionId, { resolution: "refunded", note: "x".repeat(1001) }),
      await resolve("not-an-id", { resolution: "refunded", note: "x" }),
      await callGateway(`/ops/exceptions/${exceptionId}/resolution`, {
        method: "POST",
        token: await tokenFor(["payments:operate"]),
        rawBody: "{not json",
        headers: { "content-type": "application/json" },
      }),
    ];
    for (const refusal of refusals) {
      expect(refusal.status).toBe(400);
      expect(await refusal.json()).toMatchObject({ success: false, requestId: expect.any(String), error: { code: "BAD_REQUEST" } });
    }
    const unknown = await resolve(crypto.randomUUID(), { resolution: "refunded", note: "x" });
    expect(unknown.status).toBe(404);
    expect((await unknown.json<any>()).error.code).toBe("RESOURCE_NOT_FOUND");
    const wrongScope = await callGateway(`/ops/exceptions/${exceptionId}/resolution`, {
      method: "POST",
      token: await tokenFor(["payments:confirm"]),
      body: { resolution: "refunded", note: "x" },
    });
    expect(wrongScope.status).toBe(403);
    expect(await queryRows("SELECT step FROM payment_exception_resolutions WHERE exception_id = ?", exceptionId)).toEqual([]);
  });
});
