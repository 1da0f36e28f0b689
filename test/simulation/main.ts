// `npm run sim`: runs seeds and says what they found.
//   npm run sim                       the default seeds (0..SIM_SEEDS-1)
//   npm run sim -- --seed 17          replays seed 17 exactly, with the trace of what broke
//   npm run sim -- --seeds 2000       more seeds; --from 5000 starts elsewhere
//   npm run sim -- --allow issue-23   sets aside the known defects of a group (known-defects.ts):
//                                     found-by-sim (also SIM_ALLOW); the amk-limit group is always set aside
//   npm run sim -- --mutants          plants each bug of mutants.ts in a copy of shared/ and hunts it
// Its last line is `simulation: N passed, N failed`, one test per seed (scripts/test.ts reads it).
import { loadCore } from "./core.ts";
import { huntMutants } from "./mutants.ts";
import type { DefectGroup } from "./known-defects.ts";
import { report, runSeeds } from "./report.ts";

const args = process.argv.slice(2);
const option = (name: string) => {
  const at = args.indexOf(`--${name}`);
  return at === -1 ? undefined : args[at + 1];
};
const allowed = new Set(((option("allow") ?? process.env.SIM_ALLOW ?? "") as string).split(",").filter(Boolean) as DefectGroup[]);
/** Sized for well under 45 s on a 2-core machine. */
const DEFAULT_SEEDS = Number(process.env.SIM_SEEDS ?? 400);

if (args.includes("--mutants")) {
  const ok = await huntMutants({ seeds: Number(option("seeds") ?? 600) });
  process.exit(ok ? 0 : 1);
}

const core = await loadCore();
const single = option("seed");
const from = Number(option("from") ?? 0);
const seeds =
  single !== undefined ? [Number(single)] : Array.from({ length: Number(option("seeds") ?? DEFAULT_SEEDS) }, (_, i) => from + i);
const results = await runSeeds(core, seeds, { allowed, stopAtFirstFailure: false });
const failed = report(results, { allowed, verbose: single !== undefined });
console.log(`simulation: ${seeds.length - failed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
