// The embedded defaults of the local stack: every worker variable of docs/configuration.md,
// pointed at the sandbox. `npm run dev` and the tests both start from here. None of these is a
// real credential; production values come from `wrangler secret put` and wrangler vars.

export const SANDBOX_PORT = 8090;
export const GATEWAY_PORT = 8080;
export const KHQR_PORT = 8081;

export function localConfig(sandboxUrl: string): Record<string, string> {
  return {
    AMK_BASE_URL: `${sandboxUrl}/amk`,
    AMK_VERIFY_URL: `${sandboxUrl}/amk/amkpayway/v1/api/payment/payment-verify`,
    AMK_USERNAME: "sandbox-partner",
    AMK_PASSWORD: "sandbox-partner-password",
    AMK_MERCHANT_ID: "900000000290002",
    AMK_STORE_ID: "800000000270001",
    AMK_TERMINAL_ID: "70000002",
    AMK_SECRET_KEY: "sandbox-hmac-key-not-for-production",
    INTEGRATION_BASE_URL: `${sandboxUrl}/integration`,
    INTEGRATION_TOKEN: "sandbox-integration-token",
    KAFKA_REST_URL: `${sandboxUrl}/kafka`,
    KAFKA_REST_USERNAME: "sandbox",
    KAFKA_REST_PASSWORD: "sandbox-kafka-password",
    KAFKA_REST_FLAVOR: "upstash",
    KAFKA_CLUSTER_ID: "sandbox-cluster",
    KAFKA_TOPIC_PREFIX: "dev.",
    JWT_SECRET: "local-development-jwt-secret-0123456789abcdef",
    JWT_ISSUER: "https://auth.local.amk-payment-hub",
    JWT_AUDIENCE: "amk-payment-hub",
    // The sandbox plays Cloudflare Access for the operator routes (sandbox/cloudflare-access.ts).
    ACCESS_TEAM_DOMAIN: `${sandboxUrl}/access`,
    ACCESS_AUD: "sandbox-access-application-aud-tag",
    KHQR_PUBLIC_URL: `http://localhost:${KHQR_PORT}`,
    CHECKOUT_SIGNING_KEY: "local-development-checkout-signing-key-0123456789",
  };
}

/** A second partner account at the sandbox bank, used only by the sandbox's own tests. */
export const SANDBOX_TEST_PARTNER = { username: "sandbox-bank-tests", password: "sandbox-bank-tests-password" };

/** A third account, for the status and checkout tests: their sign-ins never move another file's count. */
export const CHECKOUT_TEST_PARTNER = { username: "sandbox-checkout-tests", password: "sandbox-checkout-tests-password" };

/** Demo premiums the sandbox Integration Service starts with. */
export const DEMO_PREMIUMS = [
  { id: 150001, policyNumber: "P123456789", payer: "John Doe", amount: 150.0, currency: "USD", dueDate: "2025-11-15" },
  { id: 150002, policyNumber: "P987654321", payer: "Sok Dara", amount: 89.5, currency: "USD", dueDate: "2025-12-01" },
  { id: 150003, policyNumber: "A000000123", payer: "Chan Sophea", amount: 400000, currency: "KHR", dueDate: "2025-12-15" },
] as const;
