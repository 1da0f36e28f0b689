// Every port the core is given during a run, wrapped here and only here: each call first parks at
// the scheduler (another request may run, or this one may crash), then may get the fault the seed
// picks for it, and what took effect is reported to the run's observations. A port whose
// signature changes is one edit in this file.
import type {
  CommitOutcome,
  EventPublisher,
  IdempotencyKeeper,
  PaymentVerifier,
  PremiumCache,
  PremiumSource,
  RecordStore,
  UnitOfWork,
} from "#shared/payments/ports.ts";
import type { QrGenerator } from "#shared/payments/issue-khqr.ts";
import type { Core } from "./core.ts";
import type { Faults } from "./faults.ts";
import type { Observations } from "./observations.ts";
import type { Prng } from "./prng.ts";
import type { Scheduler, Task } from "./scheduler.ts";
import type { VirtualClock } from "./virtual-clock.ts";

/** The real adapters (in-memory) and stand-ins, shared by every request of a run. */
export interface RealPorts {
  records: InstanceType<Core["InMemoryRecordStore"]>;
  idempotency: IdempotencyKeeper;
  cache: InstanceType<Core["InMemoryPremiumCache"]>;
  premiums: InstanceType<Core["InMemoryPremiumSource"]>;
  verifier: PaymentVerifier;
  publisher: EventPublisher;
  qrGenerator: QrGenerator;
}

export interface WrapContext {
  core: Core;
  sched: Scheduler;
  faults: Faults;
  clock: VirtualClock;
  prng: Prng;
  seen: Observations;
}

/** KV keeps a premium 15 minutes (PREMIUM_CACHE_TTL_SECONDS): a lost paid-mark ends with it. */
export const CACHE_TTL_MS = 15 * 60_000;

export function wrapPorts(task: Task, real: RealPorts, ctx: WrapContext) {
  const { core, sched, faults, clock, prng, seen } = ctx;
  // This request's own store over the run's records: the events it writes are held by it alone.
  const store = real.records.forRequest();
  const park = (what: string) => sched.gate(task, what);
  const unavailable = (what: string) =>
    new core.PaymentError("SERVER_UNAVAILABLE", "The payment store is unavailable; retry later", { reason: `simulated: ${what}` });

  /** A record-store call that reads or claims: may fail before, or (for writes) after it took effect. */
  const storeCall = async <T>(what: string, call: () => Promise<T>, writes = false): Promise<T> => {
    await park(`records.${what}`);
    if (faults.roll("store-call-fails")) throw unavailable(what);
    const result = await call();
    if (writes && faults.roll("store-call-fails-after")) throw unavailable(`${what} (after it took effect)`);
    return result;
  };

  const commit = async (work: UnitOfWork, now: Date): Promise<CommitOutcome> => {
    await park("records.commit");
    if (faults.roll("commit-fails-before")) throw unavailable("commit");
    const outcome = await store.commit(work, now);
    seen.committed(task, work, outcome);
    if (faults.roll("commit-fails-after")) throw unavailable("commit (after it took effect)");
    return outcome;
  };

  const outbox = store.outbox;
  const records: RecordStore = {
    findPremium: (id) => storeCall("findPremium", () => store.findPremium(id)),
    findIssuance: (invoice) => storeCall("findIssuance", () => store.findIssuance(invoice)),
    findOpenIssuance: (invoice) => storeCall("findOpenIssuance", () => store.findOpenIssuance(invoice)),
    findInvoice: (invoice) => storeCall("findInvoice", () => store.findInvoice(invoice)),
    findPayment: (id) =>
      storeCall("findPayment", () => {
        seen.paymentReads.set(task.id, sched.steps);
        return store.findPayment(id);
      }),
    claimOpenIssuances: (query, now) => storeCall("claimOpenIssuances", () => store.claimOpenIssuances(query, now), true),
    returnIssuances: (invoices) => storeCall("returnIssuances", () => store.returnIssuances(invoices), true),
    closeUncheckedIssuances: (query, now) =>
      storeCall("closeUncheckedIssuances", async () => seen.closedUnchecked(await store.closeUncheckedIssuances(query, now)), true),
    listExceptions: (limit) => storeCall("listExceptions", () => store.listExceptions(limit)),
    findException: (id) => storeCall("findException", () => store.findException(id)),
    history: (id) => storeCall("history", () => store.history(id)),
    commit,
    outbox: {
      claimDue: (now, options) => storeCall("outbox.claimDue", () => outbox.claimDue(now, options), true),
      markPublished: (ids, now) => storeCall("outbox.markPublished", () => outbox.markPublished(ids, now), true),
      markFailed: (entry, error, now) => storeCall("outbox.markFailed", () => outbox.markFailed(entry, error, now), true),
      release: (ids) => storeCall("outbox.release", () => outbox.release(ids), true),
      list: (state, limit) => storeCall("outbox.list", () => outbox.list(state, limit)),
      replay: (ids, now) => storeCall("outbox.replay", () => outbox.replay(ids, now), true),
    },
  };

  const idempotency: IdempotencyKeeper = {
    async admit(key, fingerprint, now) {
      await park("idempotency.admit");
      if (faults.roll("admit-lost")) throw new Error("simulated: Durable Object unreachable (admit)");
      const admission = await real.idempotency.admit(key, fingerprint, now);
      if (faults.roll("admit-lost-after")) throw new Error("simulated: admit's answer lost after the key was taken");
      return admission;
    },
    async settle(key, lease, answer, now) {
      await park("idempotency.settle");
      if (faults.roll("settle-lost")) throw new Error("simulated: Durable Object unreachable (settle)");
      await real.idempotency.settle(key, lease, answer, now);
      if (answer) seen.keptAnswer(key, answer);
    },
  };

  /** A KV write: lost, or landing a few seconds later, else at once. */
  const kvWrite = async (what: string, write: () => Promise<void>) => {
    await park(`cache.${what}`);
    const fault = faults.first("kv-write-lost", "kv-write-late");
    if (fault === "kv-write-lost") return;
    if (fault === "kv-write-late") return void clock.after(prng.int(1_000, 60_000), () => void write());
    await write();
  };
  const keptAt = seen.cacheKeptAt;
  const cache: PremiumCache = {
    async current(query) {
      await park("cache.current");
      const at = keptAt.get(query);
      if (at !== undefined && clock.nowMs() - at >= CACHE_TTL_MS) real.cache.kept.delete(query);
      return real.cache.current(query);
    },
    keep: (query, premium) =>
      kvWrite("keep", async () => {
        keptAt.set(query, clock.nowMs());
        await real.cache.keep(query, premium);
      }),
    markPaid: (paid) =>
      kvWrite("markPaid", async () => {
        await real.cache.markPaid(paid);
        seen.cacheMarkedPaid(paid.paymentId);
      }),
  };

  const premiums: PremiumSource = {
    async find(query) {
      await park("integration.find");
      const fault = faults.first("integration-down", "integration-reprices", "integration-withdraws");
      if (fault === "integration-down") throw new core.PaymentError("SERVER_UNAVAILABLE", "The Integration Service is unavailable");
      const due = real.premiums.premiums.get(query);
      if (due && fault === "integration-reprices") {
        const repriced = { ...due, money: { ...due.money, minor: due.money.minor + prng.pick([-500, 100, 250, 1_000]) } };
        real.premiums.premiums.set(query, repriced);
        seen.note(`Integration Service re-prices ${due.id}: ${due.money.minor} -> ${repriced.money.minor}`, due.id);
      }
      if (due && fault === "integration-withdraws") {
        real.premiums.premiums.delete(query);
        seen.note(`Integration Service withdraws ${due.id}`, due.id);
      }
      return real.premiums.find(query);
    },
  };

  const verifier: PaymentVerifier = {
    async verify(txId) {
      await park("amk.verify");
      const fault = faults.first("amk-verify-down", "amk-verify-slow", "amk-verify-pending");
      if (fault === "amk-verify-down") throw new core.PaymentError("SERVER_UNAVAILABLE", "AMK is unavailable", { reason: "simulated" });
      if (fault === "amk-verify-slow") await clock.sleep(prng.int(3_000, 25_000));
      const askedAt = clock.nowMs();
      const verification = await real.verifier.verify(txId);
      if (fault === "amk-verify-pending" && "verified" in verification) {
        const refusal = new core.PaymentError("TRANSACTION_VERIFY_FAILED", "AMK does not confirm this payment", {
          details: "status: PENDING",
        });
        return { reply: JSON.stringify({ code: "000", data: { txId, status: "PENDING" } }), refusal };
      }
      seen.verifyCalls.push({ invoice: txId, atMs: clock.nowMs() });
      if ("verified" in verification) seen.successReports.push({ invoice: txId, atMs: askedAt });
      seen.note(`AMK verify ${txId}: ${verification.reply}`, Number(txId));
      return verification;
    },
  };

  const publisher: EventPublisher = {
    async publish(batch) {
      await park("kafka.publish");
      const fault = faults.first("kafka-refused", "kafka-timeout-after-accept", "kafka-slow");
      if (fault === "kafka-refused") throw new Error("simulated: broker refused");
      if (fault === "kafka-slow") await clock.sleep(prng.int(5_000, 30_000));
      await real.publisher.publish(batch);
      seen.publishedRecords(batch);
      if (fault === "kafka-timeout-after-accept") throw new Error("simulated: broker took the records, its answer was lost");
    },
  };

  const qrGenerator: QrGenerator = {
    async generateQr(request) {
      await park("amk.generateQr");
      if (faults.roll("amk-qr-down")) throw new core.PaymentError("SERVER_UNAVAILABLE", "AMK is unavailable", { reason: "simulated" });
      return real.qrGenerator.generateQr(request);
    },
  };

  return { records, idempotency, cache, premiums, verifier, publisher, qrGenerator };
}
