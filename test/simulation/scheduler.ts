// One request runs at a time, and every port call is a point where the seed may let another run
// first, or crash the request there (the rest of it never runs, as when an isolate dies). Between
// port calls the code runs on microtasks only, so "every request is parked at a port call" is
// exactly "the microtask queue is empty", which one setImmediate waits for.
import type { Prng } from "./prng.ts";
import type { Trace } from "./trace.ts";
import type { VirtualClock } from "./virtual-clock.ts";

export interface Task {
  readonly id: number;
  readonly name: string;
  /** The payment id the request is about, when it is about one (for the trace). */
  readonly paymentId?: number;
  readonly startStep: number;
  readonly startMs: number;
  crashed: boolean;
  /** Work the request leaves running after its answer (a Worker's waitUntil): it dies with the request. */
  later(work: Promise<unknown>): void;
}

export type Outcome<T> = { kind: "answered"; value: T } | { kind: "threw"; error: unknown } | { kind: "crashed" };

interface Gate {
  task: TaskState;
  label: string;
  open: () => void;
}

interface TaskState extends Task {
  onCrash?: () => void;
}

export interface SchedulerChoices {
  /** Whether the request dies at this port call. */
  crashes(task: Task, label: string): boolean;
  /** How long a port call takes, in simulated ms. */
  latencyMs(): number;
  /** How far ahead of now a timeline entry (a new request, a timer) may start before parked requests go on. */
  horizonMs: number;
}

export class Scheduler {
  steps = 0;
  private gates: Gate[] = [];
  private nextId = 0;

  constructor(
    private readonly prng: Prng,
    private readonly clock: VirtualClock,
    private readonly trace: Trace,
    private readonly choices: SchedulerChoices,
  ) {}

  /** Starts a request now; its outcome is the answer, the error it threw, or its crash. */
  spawn<T>(name: string, paymentId: number | undefined, body: (task: Task) => Promise<T>): Promise<Outcome<T>> {
    return new Promise((settle) => {
      const task: TaskState = {
        id: (this.nextId += 1),
        name,
        paymentId,
        startStep: this.steps,
        startMs: this.clock.nowMs(),
        crashed: false,
        later: (work) => void work.catch(() => undefined),
        onCrash: () => settle({ kind: "crashed" }),
      };
      this.trace.add(`${label(task)} starts`, paymentId);
      body(task).then(
        (value) => {
          task.onCrash = undefined; // answered: a crash now only cuts its later work
          settle({ kind: "answered", value });
        },
        (error: unknown) => {
          task.onCrash = undefined;
          settle({ kind: "threw", error });
        },
      );
    });
  }

  /** Parks the task at a port call until the seed lets it go on; a crashed task never goes on. */
  gate(task: Task, what: string): Promise<void> {
    if (task.crashed) return new Promise<void>(() => undefined);
    return new Promise<void>((open) => this.gates.push({ task: task as TaskState, label: what, open }));
  }

  /** Runs until no request is parked and nothing is left on the timeline. */
  async run(): Promise<void> {
    for (;;) {
      await drained();
      const nextAt = this.clock.nextAt();
      if (this.gates.length === 0) {
        if (nextAt === undefined) return;
        this.steps += 1;
        this.clock.fireNext();
        continue;
      }
      if (nextAt !== undefined && nextAt <= this.clock.nowMs() + this.choices.horizonMs && this.prng.chance(0.5)) {
        this.steps += 1;
        this.clock.fireNext();
        continue;
      }
      this.grant(this.prng.int(0, this.gates.length - 1));
    }
  }

  /** Requests still parked (a stuck run is a harness bug). */
  parked(): string[] {
    return this.gates.map((g) => `${label(g.task)} at ${g.label}`);
  }

  private grant(index: number): void {
    const [gate] = this.gates.splice(index, 1) as [Gate];
    this.steps += 1;
    const { task } = gate;
    if (this.choices.crashes(task, gate.label)) {
      task.crashed = true;
      this.gates = this.gates.filter((g) => g.task !== task);
      this.trace.add(`${label(task)} CRASHED before ${gate.label}`, task.paymentId);
      task.onCrash?.();
      return;
    }
    this.clock.advance(this.choices.latencyMs());
    this.trace.add(`${label(task)} ${gate.label}`, task.paymentId);
    gate.open();
  }
}

function label(task: Task): string {
  return `${task.name}[${task.id}]`;
}

const drained = () => new Promise<void>((resolve) => setImmediate(resolve));
