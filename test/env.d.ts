// Bindings the tests see: the gateway's, plus what vitest.config.ts adds for tests.
import type { D1Migration } from "cloudflare:test";
import type { GatewayBindings } from "../workers/gateway/src/gateway-env.ts";

declare global {
  namespace Cloudflare {
    interface Env extends GatewayBindings {
      DB: D1Database;
      SANDBOX_URL: string;
      TEST_MIGRATIONS: D1Migration[];
      /** migrations/postgres/, for each PostgreSQL test file's own schema (test/setup/postgres-schema.ts). */
      TEST_POSTGRES_MIGRATIONS: { name: string; sql: string }[];
      JWT_SECRET: string;
      JWT_ISSUER: string;
      JWT_AUDIENCE: string;
      AMK_BASE_URL: string;
      AMK_VERIFY_URL: string;
      AMK_USERNAME: string;
      AMK_PASSWORD: string;
      AMK_MERCHANT_ID: string;
      AMK_STORE_ID: string;
      AMK_TERMINAL_ID: string;
      AMK_SECRET_KEY: string;
      AMK_SESSION: KVNamespace;
      KHQR_PUBLIC_URL: string;
      CHECKOUT_SIGNING_KEY: string;
      ACCESS_TEAM_DOMAIN: string;
      ACCESS_AUD: string;
    }
  }
}
