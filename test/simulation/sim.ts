// What every part of a run reaches: the seed's chance, time, the scheduler, the bank, the core's
// routes and what was seen. Built once per run (run.ts).
import type { Bank } from "./bank.ts";
import type { Faults } from "./faults.ts";
import type { Observations } from "./observations.ts";
import type { Prng } from "./prng.ts";
import type { Scheduler } from "./scheduler.ts";
import type { Trace } from "./trace.ts";
import type { VirtualClock } from "./virtual-clock.ts";
import type { World } from "./world.ts";

export interface Sim {
  /** Traffic's own stream: what customers and the bank do. */
  prng: Prng;
  clock: VirtualClock;
  sched: Scheduler;
  faults: Faults;
  bank: Bank;
  world: World;
  seen: Observations;
  trace: Trace;
  /** Chance that a payment's webhooks are all lost (only where reconciliation can still find it). */
  webhookLoss: number;
  /** In a quarter of the seeds (all with SIM_LATE_WEBHOOKS=1), every first webhook arrives 2.5 to 12 minutes late, past reconciliation's head start and its recheck: reconciliation races it on purpose. */
  lateWebhooks: boolean;
}
