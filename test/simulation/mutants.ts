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
  /** Each edit: under shared/, one exact line to find and what replaces it. */
  edits: { file: string; search: string; replace: string }[];
}

const edit = (file: string, search: string, replace: string) => ({ file, search, replace });

export const MUTANTS: Mutant[] = [
  {
    name: "settle before commit (the answer is kept while the booking's commit is still in flight, its failure unseen)",
    edits: [
      edit(
        "payments/record-payment.ts",
        `  if ((await deps.records.commit(unit, now)) === "committed") {`,
        `  const committing = deps.records.commit(unit, now); committing.catch(() => undefined); if ((await Promise.race([committing, Promise.resolve("committed")])) === "committed") {`,
      ),
    ],
  },
  {
    name: "skip the paid checks on QR issuance (premiumForQr's, and the store's in its write)",
    edits: [
      edit(
        "payments/premium-for-qr.ts",
        `    if (payment) await refusePaid(deps, premium, query, payment);`,
        `    if (payment && false) await refusePaid(deps, premium, query, payment);`,
      ),
      edit(
        "payments/in-memory/record-store.ts",
        `    if (work.issuance && this.payments.has(work.issuance.paymentId)) return "payment-taken";`,
        `    if (false && work.issuance) return "payment-taken";`,
      ),
    ],
  },
  {
    name: "write a QR for a paid premium when a payment lands between the paid check and the write (the store's check removed)",
    edits: [
      edit(
        "payments/in-memory/record-store.ts",
        `    if (work.issuance && this.payments.has(work.issuance.paymentId)) return "payment-taken";`,
        `    if (false && work.issuance) return "payment-taken";`,
      ),
    ],
  },
  {
    name: "mark published before the broker took it",
    edits: [
      edit(
        "payments/deliver-events.ts",
        `    await withTimeout(deps.publisher.publish([record]), timeoutMs);`,
        `    await deps.outbox.markPublished([entry.eventId], deps.clock.now()); await withTimeout(deps.publisher.publish([record]), timeoutMs);`,
      ),
    ],
  },
  {
    name: "flag without the unique key (the in-memory store's already-flagged check removed)",
    edits: [
      edit(
        "payments/in-memory/record-store.ts",
        `    if (work.exception && this.flagged(work.exception)) return "already-flagged";`,
        `    if (false && work.exception && this.flagged(work.exception)) return "already-flagged";`,
      ),
    ],
  },
  {
    name: "compare paid seconds exactly (no allowance for AMK flooring or rounding the webhook's instant)",
    edits: [
      edit(
        "payments/khqr-payment.ts",
        "  return a !== undefined && b !== undefined && Math.abs(Date.parse(a) - Date.parse(b)) <= SAME_PAYMENT_MS;",
        "  return a !== undefined && b !== undefined && Date.parse(a) === Date.parse(b);",
      ),
    ],
  },
  {
    name: "compare paid times to the minute",
    edits: [
      edit(
        "payments/khqr-payment.ts",
        "const toSecond = (iso: string) => `${iso.slice(0, 19)}Z`;",
        "const toSecond = (iso: string) => `${iso.slice(0, 16)}Z`;",
      ),
    ],
  },
  {
    name: "name a payment by the webhook's paid_datetime, not AMK's second (issue 23's defect)",
    edits: [
      edit(
        "payments/khqr-payment.ts",
        `  if (!webhookPaidAt || sameInstant(amkPaidAt, webhookPaidAt)) return toSecond(amkPaidAt);`,
        `  if (webhookPaidAt) return webhookPaidAt; if (!webhookPaidAt || sameInstant(amkPaidAt, webhookPaidAt)) return toSecond(amkPaidAt);`,
      ),
    ],
  },
  {
    name: "take every webhook for the payment AMK reports (no second of its own when AMK's answer is about another payment)",
    edits: [
      edit(
        "payments/khqr-payment.ts",
        `  if (!webhookPaidAt || sameInstant(amkPaidAt, webhookPaidAt)) return toSecond(amkPaidAt);`,
        `  if (true) return toSecond(amkPaidAt);`,
      ),
    ],
  },
  {
    name: "drop the DUPLICATE_PAYMENT flag (book nothing, answer 409)",
    edits: [
      edit("payments/record-payment.ts", `  const eventIds = await flagException(`, `  const eventIds: string[] = []; void Array.of(`),
    ],
  },
  {
    name: "resolve the QR on a refused verify",
    edits: [
      edit(
        "payments/khqr-payment.ts",
        `  if ("refusal" in verification) throw verification.refusal;`,
        `  if ("refusal" in verification) { await deps.records.commit({ resolveIssuance: report.qrId ?? invoice.issuances[0]?.qrId, events: [] }, deps.clock.now()); throw verification.refusal; }`,
      ),
    ],
  },
  {
    name: "settle a QR the customer can still pay when its payment is booked",
    edits: [
      edit(
        "payments/khqr-payment.ts",
        `  return qr && (qr.expiresAt === undefined || Date.parse(qr.expiresAt) <= now.getTime()) ? qr.qrId : undefined;`,
        `  return qr?.qrId;`,
      ),
    ],
  },
  {
    name: "give a claim back by forgetting the QR's last check",
    edits: [
      edit(
        "payments/in-memory/record-store.ts",
        `      if (issuance && issuance.resolvedAt === undefined) issuance.lastCheckedAt = issuance.previousCheckedAt;`,
        `      if (issuance && issuance.resolvedAt === undefined) issuance.lastCheckedAt = undefined;`,
      ),
    ],
  },
  {
    name: "record a QR with the premium's money at recording time, not the money it was minted for",
    edits: [
      edit(
        "payments/record-qr-issuance.ts",
        `  const money = toMoney(terms.amount!, terms.currency!);`,
        `  const money = (await deps.records.findPremium(notice.paymentId))!.money; void toMoney;`,
      ),
    ],
  },
  {
    name: "mint a second QR beside one just recorded (the open QR not read again after a lease another request held)",
    edits: [edit("payments/premium-for-qr.ts", `    if (admission.kind === "proceed" && !admission.quiet) {`, `    if (false) {`)],
  },
];

const ALL_KNOWN: ReadonlySet<DefectGroup> = new Set<DefectGroup>();
const NODE_MODULES = fileURLToPath(new URL("../../node_modules", import.meta.url));

/** A copy of shared/ with the mutant planted; throws when its search does not match exactly once. */
export function plant(mutant: Mutant): { root: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "amk-sim-mutant-"));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    cpSync(REPOSITORY_SHARED, join(dir, "shared"), { recursive: true });
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
    symlinkSync(NODE_MODULES, join(dir, "node_modules"), "dir"); // valibot and friends, as from the repository
    for (const { file, search, replace } of mutant.edits) {
      const path = join(dir, "shared", file);
      const source = readFileSync(path, "utf8");
      const matches = source.split(search).length - 1;
      if (matches !== 1) throw new Error(`stale mutant "${mutant.name}": its line matches ${matches} times in shared/${file}`);
      writeFileSync(
        path,
        source.replace(search, () => replace),
      );
    }
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
