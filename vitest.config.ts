import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { localConfig } from "./sandbox/local-config.ts";

export default defineConfig({
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
          ratelimits: { BANK_RATE_LIMIT: { namespace_id: "1003", simple: { limit: 120, period: 60 } } },
          bindings: {
            ...localConfig(sandboxUrl),
            SANDBOX_URL: sandboxUrl,
            TEST_MIGRATIONS: await readD1Migrations("./migrations"),
          },
        },
      };
    }),
  ],
  test: {
    globalSetup: ["./test/setup/sandbox.ts"],
    reporters: ["default", "./test/setup/summary-reporter.ts"],
    include: ["test/**/*.test.ts"],
    // test/core runs under Deno (npm run test:core): the payment core on its in-memory ports.
    exclude: ["test/core/**"],
    setupFiles: ["./test/setup/migrations.ts"],
    // The structured request log is noise when a test passes, and evidence when it fails.
    silent: "passed-only",
  },
});
