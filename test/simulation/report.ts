// Running many seeds and telling what they found: the figures of the run, the faults injected,
// and the first failing seed with its trace (replayable with --seed).
import type { Core } from "./core.ts";
import { FAULT_KINDS } from "./faults.ts";
import { INVARIANTS, type Violation } from "./invariants.ts";
import { KNOWN_DEFECTS, type DefectGroup } from "./known-defects.ts";
import { runSeed, type RunResult } from "./run.ts";

export interface SeedsRun {
  runs: (Omit<RunResult, "trace"> & { failing: Violation[] })[];
  /** The first failing seed in full (with its trace). */
  firstFailure?: RunResult & { failing: Violation[] };
  wallMs: number;
}

/** Violations that fail the seed: all but the limits of AMK's API (never a defect of ours) and the known defects of the groups allowed. */
export function failing(violations: Violation[], allowed: ReadonlySet<DefectGroup>): Violation[] {
  return violations.filter(
    (v) => v.known === undefined || (KNOWN_DEFECTS[v.known].group !== "amk-limit" && !allowed.has(KNOWN_DEFECTS[v.known].group)),
  );
}

export async function runSeeds(
  core: Core,
  seeds: number[],
  options: { allowed: ReadonlySet<DefectGroup>; stopAtFirstFailure: boolean },
): Promise<SeedsRun> {
  const started = performance.now();
  const out: SeedsRun = { runs: [], wallMs: 0 };
  for (const seed of seeds) {
    const { trace, ...result } = await runSeed(core, seed);
    const failed = failing(result.violations, options.allowed);
    out.runs.push({ ...result, failing: failed });
    if (failed.length > 0 && !out.firstFailure) {
      out.firstFailure = { ...result, trace, failing: failed };
      if (options.stopAtFirstFailure) break;
    }
  }
  out.wallMs = performance.now() - started;
  return out;
}

/** Prints the run's figures and findings; returns how many seeds failed. */
export function report(run: SeedsRun, options: { allowed: ReadonlySet<DefectGroup>; verbose: boolean }): number {
  const { runs } = run;
  const sum = (pick: (r: SeedsRun["runs"][number]) => number) => runs.reduce((total, r) => total + pick(r), 0);
  const hours = sum((r) => r.simulatedMs) / 3_600_000;
  console.log(
    `simulation: ${runs.length} seed(s), ${hours.toFixed(1)} simulated hours, ${sum((r) => r.steps).toLocaleString("en")} steps, ${(run.wallMs / 1000).toFixed(1)} s`,
  );
  console.log(`  faults injected: ${FAULT_KINDS.map((k) => `${k} ${sum((r) => r.faults.get(k) ?? 0)}`).join(", ")}`);
  console.log(`  bank: ${totals(runs.map((r) => r.bank))}`);
  console.log(`  customers: ${totals(runs.map((r) => r.families))}`);

  const known = new Map<string, { seeds: number[]; first: Violation }>();
  for (const r of runs) {
    for (const v of r.violations.filter((x) => x.known)) {
      const entry = known.get(v.known!) ?? { seeds: [], first: v };
      if (!entry.seeds.includes(r.seed)) entry.seeds.push(r.seed);
      known.set(v.known!, entry);
    }
  }
  if (known.size > 0) {
    console.log(`  known defects found (known-defects.ts; --allow <group> sets a group aside):`);
    for (const [id, { seeds, first }] of [...known].sort()) {
      const { group, story } = KNOWN_DEFECTS[id as keyof typeof KNOWN_DEFECTS];
      console.log(
        `    ${id} [${group}${options.allowed.has(group) ? ", allowed" : ""}]: ${seeds.length} seed(s), first ${seeds[0]}: ${story}`,
      );
      console.log(`      e.g. [inv ${first.invariant}] premium ${first.paymentId ?? "-"}: ${first.message.slice(0, 220)}`);
    }
  }
  const failed = runs.filter((r) => r.failing.length > 0);
  const byInvariant = new Map<number, number>();
  for (const r of failed) for (const id of new Set(r.failing.map((v) => v.invariant))) byInvariant.set(id, (byInvariant.get(id) ?? 0) + 1);
  if (byInvariant.size > 0)
    console.log(
      `  failing seeds per invariant: ${[...byInvariant]
        .sort()
        .map(([id, n]) => `${id}: ${n}`)
        .join(", ")}`,
    );

  const first = run.firstFailure;
  if (first) {
    const allow = options.allowed.size > 0 ? ` --allow ${[...options.allowed].join(",")}` : "";
    console.log(`\nfirst failing seed: ${first.seed} (replay: npm run sim -- --seed ${first.seed}${allow})`);
    const shown = options.verbose ? first.failing : first.failing.slice(0, 6);
    for (const v of shown)
      console.log(
        `  [inv ${v.invariant}: ${INVARIANTS[v.invariant]}]${v.known ? ` (${v.known})` : ""}\n    premium ${v.paymentId ?? "-"}: ${v.message}`,
      );
    if (first.failing.length > shown.length) console.log(`  ... and ${first.failing.length - shown.length} more`);
    const traced = options.verbose ? [...new Set(first.failing.map((v) => v.paymentId))] : [first.failing[0]!.paymentId];
    for (const paymentId of traced) {
      console.log(`\n  trace of ${paymentId === undefined ? "the run's end" : `premium ${paymentId}`}:`);
      console.log(first.trace.about(paymentId, options.verbose ? 400 : 80).join("\n"));
    }
  }
  return failed.length;
}

function totals(maps: Map<string, number>[]): string {
  const all = new Map<string, number>();
  for (const m of maps) for (const [k, n] of m) all.set(k, (all.get(k) ?? 0) + n);
  return [...all]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${k} ${n}`)
    .join(", ");
}
