// `npm test`: every suite, one after the other, then one closing line that sums them all:
// `tests: N passed, N failed` (what CI reads). The suites: the migrations against the drizzle schema
// (scripts/migrations.ts --check, one test per store), the payment core under Deno, the
// payment core's simulation (one test per seed), the workers in workerd (vitest), `npm run dev`
// surviving a killed stack, and the checkout page in Chromium. Arguments go to vitest only
// (`npm test -- test/khqr/`), which then runs alone.
import { spawn } from "node:child_process";

interface Suite {
  script: string;
  /** Finds "passed" and "failed" in the suite's own output. */
  counts: RegExp;
}

const SUITES: Suite[] = [
  { script: "migrations:check", counts: /^schema drift: (\d+) passed, (\d+) failed/m },
  {
    script: "test:core",
    counts: /ok \| (\d+) passed(?: \([^)]*\))? \| (\d+) failed|FAILED \| (\d+) passed(?: \([^)]*\))? \| (\d+) failed/,
  },
  { script: "sim", counts: /^simulation: (\d+) passed, (\d+) failed/m },
  { script: "test:workers", counts: /^tests: (\d+) passed, (\d+) failed/m },
  { script: "test:dev", counts: /^dev stack tests: (\d+) passed, (\d+) failed/m },
  { script: "test:browser", counts: /^browser tests: (\d+) passed, (\d+) failed/m },
];

const ANSI = /\x1b\[[0-9;]*m/g;

function run(script: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    const child = spawn("npm", ["run", "-s", script, ...(args.length ? ["--", ...args] : [])], { stdio: ["inherit", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      process.stdout.write(chunk);
      output += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      process.stderr.write(chunk);
      output += chunk.toString();
    });
    child.on("close", (code) => done({ code: code ?? 1, output: output.replace(ANSI, "") }));
  });
}

const args = process.argv.slice(2);
const suites = args.length ? SUITES.filter((s) => s.script === "test:workers") : SUITES;
let passed = 0;
let failed = 0;
let broken = false;
for (const suite of suites) {
  const { code, output } = await run(suite.script, suite.script === "test:workers" ? args : []);
  const match = suite.counts.exec(output);
  const counts = match
    ?.slice(1)
    .filter((n) => n !== undefined)
    .map(Number);
  if (counts && counts.length === 2) {
    passed += counts[0]!;
    failed += counts[1]!;
  }
  // A suite that failed without saying how many (it crashed, or could not start) counts as one failure.
  if (code !== 0 && (!counts || counts[1] === 0)) {
    failed += 1;
    broken = true;
    console.log(`\n${suite.script} exited with ${code}`);
  }
}
console.log(`\ntests: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 || broken ? 1 : 0);
