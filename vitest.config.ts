import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";
import { localConfig } from "./sandbox/local-config.ts";
import { readPostgresMigrations } from "./scripts/postgres-migrations.ts";
import { withPlaceholderPassword } from "./scripts/postgres-url.ts";

/**
 * The workerd test project on one record store: D1 (wrangler.toml's DB), or PostgreSQL through
 * the HYPERDRIVE binding, which services.ts then prefers (README "Records in PostgreSQL").
 */
function workerdProject(store: "d1" | "postgres", files: { include: string[]; exclude?: string[] }): TestProjectInlineConfiguration {
  return {
    plugins: [
      cloudflareTest(async ({ inject }) => {
        const sandboxUrl = inject("sandboxUrl");
        return {
          main: "./workers/gateway/src/index.ts",
          wrangler: { configPath: "./wrangler.toml" },
          miniflare: {
            // The KHQR worker's token cache: its handler runs in the same test isolate (test/support/khqr.ts).
            kvNamespaces: ["AMK_SESSION"],
            // The bank's limit made small (1,200 in wrangler.toml), so a test can reach it; still above the app's 100.
            // The checkout links' limit made small too (60 in workers/khqr/wrangler.toml), for test/khqr/checkout-limits.test.ts.
            ratelimits: {
              BANK_RATE_LIMIT: { namespace_id: "1003", simple: { limit: 120, period: 60 } },
              CHECKOUT_RATE_LIMIT: { namespace_id: "1004", simple: { limit: 20, period: 60 } },
            },
            // miniflare insists on a password in the URL; a trust-auth server ignores it.
            ...(store === "postgres" ? { hyperdrives: { HYPERDRIVE: withPlaceholderPassword(inject("postgresUrl")) } } : {}),
            bindings: {
              ...localConfig(sandboxUrl),
              SANDBOX_URL: sandboxUrl,
              TEST_MIGRATIONS: await readD1Migrations("./migrations"),
              TEST_POSTGRES_MIGRATIONS: readPostgresMigrations(),
            },
          },
        };
      }),
    ],
    test: {
      name: store,
      globalSetup: ["./test/setup/sandbox.ts", ...(store === "postgres" ? ["./test/setup/postgres-database.ts"] : [])],
      include: files.include,
      exclude: files.exclude ?? [],
      setupFiles: [store === "postgres" ? "./test/setup/postgres-schema.ts" : "./test/setup/migrations.ts"],
    },
  };
}

export default defineConfig({
  test: {
    projects: [
      // test/core runs under Deno (npm run test:core): the payment core on its in-memory ports.
      workerdProject("d1", { include: ["test/**/*.test.ts"], exclude: ["test/core/**", "test/records/schema-parity.test.ts"] }),
      // Everything that records payments, again on a real PostgreSQL.
      workerdProject("postgres", {
        include: [
          "test/gateway/**/*.test.ts",
          "test/records/**/*.test.ts",
          "test/khqr/generate-khqr.test.ts",
          "test/khqr/qr-single-flight.test.ts",
          "test/khqr/checkout-limits.test.ts",
        ],
        // The round-trip counter wraps D1: the hot-path bounds are D1's (Cloudflare's store at the edge).
        exclude: ["test/gateway/round-trips.test.ts"],
      }),
    ],
    reporters: ["default", "./test/setup/summary-reporter.ts"],
    // The structured request log is noise when a test passes, and evidence when it fails.
    silent: "passed-only",
  },
});
