// Proof that the simulator can fail: each mutant plants one bug in a copy of shared/ (an exact
// search/replace on one source line; a search that no longer matches exactly once fails loudly
// as a stale mutant), and seeds run against the copy until one fails. The known defects of
// known-defects.ts are set aside, so a catch is the planted bug's own doing.
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadCore, REPOSITORY_SHARED } from "./core.ts";
import { INVARIANTS } from "./invariants.ts";
import type { DefectGroup } from "./known-defects.ts";
import { failing } from "./report.ts";
import { runSeed } from "./run.ts";

interface Mutant {
  name: string;
  /** Under shared/. */
  file: string;
  search: string;
  replace: string;
}

export const MUTANTS: Mutant[] = [
  {
    name: "settle before commit (the answer is kept while the booking's commit is still in flight, its failure unseen)",
    file: "payments/record-payment.ts",
    search: `  if ((await deps.records.commit(unit, now)) === "committed") {`,
    replace: `  const committing = deps.records.commit(unit, now); committing.catch(() => undefined); if ((await Promise.race([committing, Promise.resolve("committed")])) === "committed") {`,
  },
  {
    name: "skip the paid check on QR issuance (recordQrIssuance)",
    file: "payments/record-qr-issuance.ts",
    search: `  if (payment) {`,
    replace: `  if (payment && false) {`,
  },
  {
    name: "mark published before the broker took it",
    file: "payments/deliver-events.ts",
    search: `    await withTimeout(deps.publisher.publish([record]), timeoutMs);`,
    replace: `    await deps.outbox.markPublished([entry.eventId], deps.clock.now()); await withTimeout(deps.publisher.publish([record]), timeoutMs);`,
  },
  {
    name: "flag without the unique key (the in-memory store's already-flagged check removed)",
    file: "payments/in-memory/record-store.ts",
    search: `    if (work.exception && this.flagged(work.exception)) return "already-flagged";`,
    replace: `    if (false && work.exception && this.flagged(work.exception)) return "already-flagged";`,
  },
  {
    name: "compare paid times to the millisecond",
    file: "payments/khqr-payment.ts",
    search: "const toSecond = (iso: string) => `${iso.slice(0, 19)}Z`;",
    replace: "const toSecond = (iso: string) => `${iso.slice(0, 23)}Z`;",
  },
  {
    name: "compare paid times to the minute",
    file: "payments/khqr-payment.ts",
    search: "const toSecond = (iso: string) => `${iso.slice(0, 19)}Z`;",
    replace: "const toSecond = (iso: string) => `${iso.slice(0, 16)}Z`;",
  },
  {
    name: "drop the DUPLICATE_PAYMENT flag (book nothing, answer 409)",
    file: "payments/record-payment.ts",
    search: `  const eventIds = await flagException(`,
    replace: `  const eventIds: string[] = []; void Array.of(`,
  },
  {
    name: "resolve the issuance on a refused verify",
    file: "payments/khqr-payment.ts",
    search: `  if ("refusal" in verification) throw verification.refusal;`,
    replace: `  if ("refusal" in verification) { await deps.records.commit({ resolveIssuance: report.invoiceNumber, events: [] }, deps.clock.now()); throw verification.refusal; }`,
  },
];

const ALL_KNOWN: ReadonlySet<DefectGroup> = new Set<DefectGroup>(["found-by-sim"]);
const NODE_MODULES = fileURLToPath(new URL("../../node_modules", import.meta.url));

/** A copy of shared/ with the mutant planted; throws when its search does not match exactly once. */
export function plant(mutant: Mutant): { root: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "amk-sim-mutant-"));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    cpSync(REPOSITORY_SHARED, join(dir, "shared"), { recursive: true });
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
    symlinkSync(NODE_MODULES, join(dir, "node_modules"), "dir"); // valibot and friends, as from the repository
    const path = join(dir, "shared", mutant.file);
    const source = readFileSync(path, "utf8");
    const matches = source.split(mutant.search).length - 1;
    if (matches !== 1) throw new Error(`stale mutant "${mutant.name}": its line matches ${matches} times in shared/${mutant.file}`);
    writeFileSync(
      path,
      source.replace(mutant.search, () => mutant.replace),
    );
    return { root: join(dir, "shared"), remove };
  } catch (error) {
    remove();
    throw error;
  }
}

/** Runs each mutant until a seed fails; prints seeds-to-catch. True when every mutant was caught. */
export async function huntMutants(options: { seeds: number }): Promise<boolean> {
  let caught = 0;
  const started = performance.now();
  for (const mutant of MUTANTS) {
    const { root, remove } = plant(mutant);
    try {
      const core = await loadCore(root);
      let found: { seed: number; invariants: string; example: string } | undefined;
      for (let seed = 0; seed < options.seeds && !found; seed += 1) {
        const failed = failing((await runSeed(core, seed)).violations, ALL_KNOWN);
        if (failed.length > 0) {
          const invariants = [...new Set(failed.map((v) => v.invariant))].sort().join(",");
          found = { seed, invariants, example: `[inv ${failed[0]!.invariant}] ${failed[0]!.message.slice(0, 160)}` };
        }
      }
      if (found) caught += 1;
      console.log(
        found
          ? `caught   ${mutant.name}: seed ${found.seed} (${found.seed + 1} seed(s)), invariant(s) ${found.invariants}\n         ${found.example}`
          : `MISSED   ${mutant.name}: no failing seed in ${options.seeds}`,
      );
    } finally {
      remove();
    }
  }
  console.log(
    `mutants: ${caught} of ${MUTANTS.length} caught in ${((performance.now() - started) / 1000).toFixed(1)} s (invariants: ${Object.keys(INVARIANTS).join(", ")})`,
  );
  return caught === MUTANTS.length;
}
