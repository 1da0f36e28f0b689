// The payment core wired as the two workers wire it, to in-memory ports wrapped for the run: one
// function per route or cron, doing what the route does around the verb (parse the body, answer,
// publish the request's events after the answer). Each request gets its own wrapped ports, so
// every port call it makes is parked under its name.
import { parseKhqrDatetime, parsePaidDate } from "#shared/amk/bank-time.ts";
import type { BillConfirmationBody } from "#shared/payments/confirm-bill-payment.ts";
import type { AnsweredRequest } from "#shared/payments/idempotent-answer.ts";
import type { KhqrWebhookBody } from "#shared/payments/khqr-payment.ts";
import type { ResolutionRequest } from "#shared/payments/resolve-exception.ts";
import type { Premium } from "#shared/payments/premium.ts";
import { MERCHANT_ID, type Bank } from "./bank.ts";
import type { Core } from "./core.ts";
import type { Task } from "./scheduler.ts";
import { wrapPorts, type RealPorts, type WrapContext } from "./wrapped-ports.ts";

/** The bank routes' bodies, as the routes validate them. */
export type BillBody = BillConfirmationBody;
export type WebhookBody = KhqrWebhookBody;

/** What the bank sees of a bank route's answer. */
export interface BankAnswer {
  status: number;
  body: string;
  replayed: boolean;
}

export type World = ReturnType<typeof createWorld>;

export function createWorld(core: Core, bank: Bank, ctx: WrapContext) {
  const real: RealPorts = {
    records: new core.InMemoryRecordStore(),
    idempotency: new core.InMemoryIdempotency(),
    cache: new core.InMemoryPremiumCache(),
    premiums: new core.InMemoryPremiumSource(),
    verifier: bank.verifier,
    publisher: new core.InMemoryEventPublisher(),
    qrGenerator: bank.qrGenerator,
  };
  const { clock } = ctx;

  const depsFor = (task: Task) => {
    const ports = wrapPorts(task, real, ctx);
    return { ...ports, outbox: ports.records.outbox, clock, merchantId: MERCHANT_ID, later: task.later, topicPrefix: "sim." };
  };

  /** The answer as sent, and the request's events published after it (waitUntil). */
  const answer = (task: Task, deps: ReturnType<typeof depsFor>, answered: AnsweredRequest): BankAnswer => {
    if (answered.eventIds.length > 0) task.later(core.deliverEvents(deps, [...answered.eventIds]));
    return { status: answered.answer.status, body: answered.answer.body, replayed: answered.replayed };
  };
  const refused = (error: unknown, requestId: string): BankAnswer => {
    const refusal = core.toPaymentError(error);
    return { status: refusal.status, body: JSON.stringify(core.errorEnvelope(refusal, requestId)), replayed: false };
  };

  return {
    real,

    /** GET /AMK/payments (the gateway's inquiry: its writes run after the answer). */
    inquire(task: Task, query: string): Promise<Premium> {
      return core.inquirePremium(depsFor(task), query, task.later);
    },

    /** GET /khqr on the KHQR worker, talking to the gateway in-process. */
    issueQr(task: Task, policyNumber: string) {
      const deps = depsFor(task);
      return core.issueKhqr(
        { gateway: core.localGateway(deps), qrGenerator: deps.qrGenerator, merchantId: MERCHANT_ID, clock },
        { bankCode: "AMK", billNumber: policyNumber },
      );
    },

    /** POST /AMK/payments. */
    async confirmBill(task: Task, body: BillBody): Promise<BankAnswer> {
      const deps = depsFor(task);
      const requestId = `req-${task.id}`;
      const confirmation = core.billConfirmationOf(body, parsePaidDate(body.paidDate) as string);
      try {
        return answer(task, deps, await core.receiveBillConfirmation(deps, confirmation, { input: body, requestId }));
      } catch (error) {
        return refused(error, requestId);
      }
    },

    /** POST /AMK/khqr. */
    async webhook(task: Task, body: WebhookBody): Promise<BankAnswer> {
      const deps = depsFor(task);
      const requestId = `req-${task.id}`;
      const { report, receipt } = core.webhookReport(body, parseKhqrDatetime(body.paid_datetime) as string);
      try {
        return answer(task, deps, await core.receiveKhqrReport(deps, report, { input: body, requestId, receipt }));
      } catch (error) {
        return refused(error, requestId);
      }
    },

    /** The gateway's cron, reconciliation half: then the events it recorded are published. */
    async reconcile(task: Task) {
      const deps = depsFor(task);
      const report = await core.reconcileKhqrPayments(deps);
      await core.deliverEvents(deps, report.eventIds);
      return report;
    },

    /** The gateway's cron, outbox half. */
    deliver(task: Task) {
      return core.deliverEvents(depsFor(task));
    },

    /** An operator's look at the exceptions, then a step on one (POST /ops/exceptions/{id}/resolution). */
    listExceptions(task: Task) {
      return depsFor(task).records.listExceptions(50);
    },
    async resolve(task: Task, request: ResolutionRequest) {
      const deps = depsFor(task);
      const answered = await core.resolveException(deps, request);
      if (answered.eventIds.length > 0) task.later(core.deliverEvents(deps, answered.eventIds));
      return answered;
    },

    /** An operator replays dead-lettered events (POST /ops/outbox/replay). */
    async replayDead(task: Task) {
      const deps = depsFor(task);
      const dead = await deps.records.outbox.list("dead", 100);
      return deps.records.outbox.replay(
        dead.map((e) => e.eventId),
        clock.now(),
      );
    },
  };
}
