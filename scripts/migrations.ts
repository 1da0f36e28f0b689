// `npm run migrations` writes the next forward migration of both stores from the drizzle schema
// (workers/gateway/src/adapters/records/tables.ts): drizzle-kit compares the schema with the last
// snapshot in migrations/meta/ (D1) and migrations/postgres/meta/ (PostgreSQL) and writes a
// timestamped .sql file and a new snapshot into each folder whose schema changed. Arguments go to
// drizzle-kit (`npm run migrations -- --name payer_email`, `-- --custom` for an empty file to fill in).
//
// `npm run migrations:check` (part of `npm test`) fails when the schema changed without that: it runs
// the same generation against a copy of each meta/ folder and fails if drizzle-kit wrote anything.
// It needs no database and no `npm run dev`.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

const STORES = [
  { name: "D1", config: "drizzle/d1.config.ts", dir: "migrations" },
  { name: "PostgreSQL", config: "drizzle/postgres.config.ts", dir: "migrations/postgres" },
];

const DRIZZLE_KIT = join("node_modules", ".bin", "drizzle-kit");

/** drizzle-kit generate with a store's config; `out` overrides the config's folder (drizzle/*.config.ts read it). */
function generate(config: string, args: string[], out?: string, capture = false): { ok: boolean; output: string } {
  const { DRIZZLE_MIGRATIONS_OUT: _, ...env } = process.env;
  const run = spawnSync(DRIZZLE_KIT, ["generate", "--config", config, ...args], {
    // Relative: drizzle-kit puts "./" before the folder it is given.
    env: out ? { ...env, DRIZZLE_MIGRATIONS_OUT: relative(process.cwd(), out) } : env,
    // No terminal: a question (a renamed column?) ends the run instead of waiting for an answer.
    stdio: ["ignore", capture ? "pipe" : "inherit", capture ? "pipe" : "inherit"],
    encoding: "utf8",
    timeout: 120_000,
  });
  return { ok: run.status === 0, output: `${run.stdout ?? ""}${run.stderr ?? ""}${run.error ? String(run.error) : ""}` };
}

function check(): boolean {
  let passed = 0;
  let failed = 0;
  for (const store of STORES) {
    const out = mkdtempSync(join(tmpdir(), "schema-drift-"));
    try {
      cpSync(join(store.dir, "meta"), join(out, "meta"), { recursive: true });
      const run = generate(store.config, [], out, true);
      const written = readdirSync(out).filter((file) => file.endsWith(".sql"));
      // drizzle-kit exits with 0 even when it failed: only its own "nothing to migrate" passes.
      const unchanged = run.ok && written.length === 0 && /No schema changes/.test(run.output);
      if (unchanged) {
        passed++;
        console.log(`${store.name}: ${store.dir} is up to date with the schema`);
        continue;
      }
      failed++;
      console.log(
        `${store.name}: the schema changed without a migration in ${store.dir}; run \`npm run migrations\` and commit both folders.`,
      );
      for (const file of written) console.log(`--- the migration it needs (${file}):\n${readFileSync(join(out, file), "utf8").trim()}`);
      if (written.length === 0) console.log(`drizzle-kit generate did not say the schema is unchanged:\n${run.output.trim()}`);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
  console.log(`schema drift: ${passed} passed, ${failed} failed`);
  return failed === 0;
}

if (process.argv.includes("--check")) {
  process.exit(check() ? 0 : 1);
} else {
  const args = process.argv.slice(2);
  let ok = true;
  for (const store of STORES) {
    console.log(`${store.name} (${store.dir}):`);
    ok = generate(store.config, args).ok && ok;
  }
  process.exit(ok ? 0 : 1);
}
