// One seed, start to end: premiums due, customers arriving over a few hours of traffic with
// faults on, then hours of calm in which the bank's retries, reconciliation (every minute) and
// the outbox settle; then the invariants. Everything is drawn from the seed, so it replays.
import { Bank } from "./bank.ts";
import type { Core } from "./core.ts";
import { pickFamily, play, type Family } from "./customers.ts";
import { pinGlobals } from "./determinism.ts";
import { Faults, type FaultKind } from "./faults.ts";
import { judge, stepChecks, type Violation } from "./invariants.ts";
import { Observations, type StepChecks } from "./observations.ts";
import { Prng } from "./prng.ts";
import { Scheduler } from "./scheduler.ts";
import type { Sim } from "./sim.ts";
import { Trace } from "./trace.ts";
import { VirtualClock } from "./virtual-clock.ts";
import { createWorld } from "./world.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** After the traffic: the longest QR life (15 min) plus reconciliation's 60-minute grace, the outbox's hour-long backoff, and margin. */
const SETTLE_MS = 3 * HOUR;
const START = Date.parse("2026-03-02T01:00:00.000Z");

export interface RunResult {
  seed: number;
  steps: number;
  simulatedMs: number;
  faults: Map<FaultKind, number>;
  bank: Map<string, number>;
  families: Map<Family, number>;
  violations: Violation[];
  trace: Trace;
}

export async function runSeed(core: Core, seed: number): Promise<RunResult> {
  const root = new Prng(seed);
  const [schedulePrng, faultPrng, trafficPrng, idPrng, bankPrng, portPrng] = [1, 2, 3, 4, 5, 6].map(() => root.fork()) as Prng[];
  const clock = new VirtualClock(START);
  let steps = () => 0;
  const trace = new Trace(START, () => ({ step: steps(), atMs: clock.nowMs() }));
  const faults = new Faults(faultPrng!);
  const sched = new Scheduler(schedulePrng!, clock, trace, {
    crashes: () => faults.roll("request-crash"),
    latencyMs: () => schedulePrng!.int(1, 40),
    horizonMs: schedulePrng!.pick([0, 250, 2_000]),
  });
  steps = () => sched.steps;
  const quirks = trafficPrng!.chance(0.3)
    ? { roundsPaidSecond: trafficPrng!.pick([0, 0.3]), omitsPaidAt: trafficPrng!.pick([0, 0.2]) }
    : { roundsPaidSecond: 0, omitsPaidAt: 0 };
  const bank = new Bank(core, clock, bankPrng!, quirks);
  // The step checks read the records, which the world holds: bound once both exist.
  let checks: StepChecks | undefined;
  const seen = new Observations(trace, clock, steps, {
    commit: (s, c) => checks!.commit(s, c),
    answer: (s, a) => checks!.answer(s, a),
  });
  const world = createWorld(core, bank, { core, sched, faults, clock, prng: portPrng!, seen });
  checks = stepChecks(world.real.records);
  const sim: Sim = {
    prng: trafficPrng!,
    clock,
    sched,
    faults,
    bank,
    world,
    seen,
    trace,
    webhookLoss: trafficPrng!.pick([0, 0.1, 0.3]),
    lateWebhooks: process.env.SIM_LATE_WEBHOOKS === "1" || trafficPrng!.chance(0.25),
  };

  const restore = pinGlobals(clock, idPrng!, (line) => trace.add(`log ${line.slice(0, 200)}`, paymentIdIn(line)));
  const families = new Map<Family, number>();
  try {
    const trafficMs = trafficPrng!.int(1, 3) * HOUR;
    const customers = trafficPrng!.int(10, 28);
    for (let i = 0; i < customers; i += 1) {
      const family = pickFamily(sim);
      families.set(family, (families.get(family) ?? 0) + 1);
      const premium = {
        id: 500_001 + i,
        policyNumber: `P${100_000_001 + i}`,
        payer: "Sok Dara",
        money: trafficPrng!.chance(0.8)
          ? { minor: trafficPrng!.int(20, 600) * 50, currency: "USD" as const }
          : { minor: trafficPrng!.int(40, 900) * 1_000, currency: "KHR" as const },
        dueDate: "2026-03-15",
      };
      world.real.premiums.premiums.set(premium.policyNumber, premium);
      clock.at(START + trafficPrng!.int(0, trafficMs), () => {
        trace.add(`customer ${premium.policyNumber} (${family})`, premium.id);
        void play(sim, { family, premium });
      });
    }
    const endMs = START + trafficMs + SETTLE_MS;
    clock.at(START + trafficMs, () => {
      faults.calm = true;
      trace.add("traffic over: faults off, settling");
    });
    every(clock, MINUTE, endMs, () => {
      void sched.spawn("cron reconcile", undefined, (task) => world.reconcile(task));
      void sched.spawn("cron outbox", undefined, (task) => world.deliver(task));
    });
    every(clock, 30 * MINUTE, endMs, () => void operator(sim));
    // Events dead-lettered during the storm are replayed by an operator once Kafka is back.
    for (const at of [START + trafficMs + HOUR, START + trafficMs + 2 * HOUR]) {
      clock.at(at, () => void sched.spawn("ops replay dead", undefined, (task) => world.replayDead(task)));
    }
    await sched.run();
    const stuck = sched.parked();
    const violations = judge({ bank, records: world.real.records, seen });
    if (stuck.length > 0) violations.push({ invariant: 4, message: `harness: requests still parked at the end: ${stuck.join("; ")}` });
    return {
      seed,
      steps: sched.steps,
      simulatedMs: clock.nowMs() - START,
      faults: faults.counts,
      bank: bank.behaviour,
      families,
      violations,
      trace,
    };
  } finally {
    restore();
  }
}

function every(clock: VirtualClock, periodMs: number, untilMs: number, tick: () => void): void {
  const next = (at: number) => {
    if (at > untilMs) return;
    clock.at(at, () => {
      tick();
      next(at + periodMs);
    });
  };
  next(clock.nowMs() + periodMs);
}

/** An operator goes through open exceptions: asks for refunds, marks asked ones refunded; sometimes two at once. */
async function operator(sim: Sim): Promise<void> {
  const listed = await sim.sched.spawn("ops list exceptions", undefined, (task) => sim.world.listExceptions(task));
  if (listed.kind !== "answered") return;
  for (const exception of listed.value) {
    const current = exception.resolutions?.at(-1)?.resolution;
    const resolution = current === undefined ? "refund-requested" : current === "refund-requested" ? "refunded" : undefined;
    if (!resolution || !sim.prng.chance(0.6)) continue;
    const request = { exceptionId: exception.exceptionId, resolution, note: "simulated", resolvedBy: "ops-sim" } as const;
    const operators = sim.prng.chance(0.3) ? 2 : 1;
    for (let i = 0; i < operators; i += 1)
      void sim.sched.spawn("ops resolve", exception.paymentId, (task) => sim.world.resolve(task, request));
  }
}

function paymentIdIn(line: string): number | undefined {
  const match = /"(?:paymentId|invoiceNumber|reconciliation)":"?(\d+)/.exec(line);
  return match ? Number(match[1]) : undefined;
}
