// The gateway's configuration (docs/configuration.md), validated at the edge of every request.
import * as v from "valibot";
import type { AccessVerification } from "#shared/platform/auth/access-assertion.ts";
import type { ApiConfig } from "#shared/platform/http/api-env.ts";
import type { BankClientPolicy } from "#shared/platform/http/bank-client.ts";
import {
  amkTimeoutEntry,
  configParser,
  environmentEntry,
  httpUrl,
  kafkaCheck,
  kafkaEntries,
  positiveInteger,
  productionCheck,
  requiredText,
  tokenCheck,
  tokenEntries,
  tokenVerification,
} from "#shared/platform/config/config-schema.ts";
import type { KafkaSettings } from "./adapters/kafka-event-publisher.ts";
import type { IntegrationServiceSettings } from "./adapters/integration-service.ts";
import type { AmkVerifySettings } from "#shared/amk/payment-verify.ts";

export interface GatewayConfig extends ApiConfig {
  integration: IntegrationServiceSettings;
  premiumCacheTtlSeconds: number;
  amk: AmkVerifySettings;
  kafka: KafkaSettings;
  /** Who may call the bank routes, beyond the scope: token subjects, and a pinned client certificate. */
  bankClients: BankClientPolicy;
  /** Operators signed in by Cloudflare Access, beside the bearer tokens; absent: bearer tokens only. */
  access?: AccessVerification;
  /** development, uat or production: named on the operator dashboard and in the metrics. */
  environment: "development" | "uat" | "production";
  /** Until when (epoch ms) a key new to the idempotency shards is looked up in its per-key object of before; absent: never. */
  idempotencyLegacyUntil?: number;
}

const NOT_A_DATE_TIME = "IDEMPOTENCY_LEGACY_UNTIL must be an ISO date-time with its zone, e.g. 2027-01-31T00:00:00Z";

const GatewayEntries = v.object({
  ...tokenEntries,
  ...kafkaEntries,
  INTEGRATION_BASE_URL: httpUrl("INTEGRATION_BASE_URL"),
  INTEGRATION_TOKEN: requiredText("INTEGRATION_TOKEN"),
  INTEGRATION_TIMEOUT_MS: positiveInteger("INTEGRATION_TIMEOUT_MS", 5_000),
  PREMIUM_CACHE_TTL_SECONDS: positiveInteger("PREMIUM_CACHE_TTL_SECONDS", 900),
  AMK_VERIFY_URL: httpUrl("AMK_VERIFY_URL"),
  AMK_MERCHANT_ID: requiredText("AMK_MERCHANT_ID"),
  AMK_STORE_ID: requiredText("AMK_STORE_ID"),
  AMK_TERMINAL_ID: requiredText("AMK_TERMINAL_ID"),
  AMK_SECRET_KEY: requiredText("AMK_SECRET_KEY"),
  ...amkTimeoutEntry,
  ...environmentEntry,
  AMK_CLIENT_SUBJECTS: v.optional(
    v.pipe(
      v.string(),
      v.transform((list) =>
        list
          .split(",")
          .map((sub) => sub.trim())
          .filter(Boolean),
      ),
      v.minLength(1, "AMK_CLIENT_SUBJECTS must name at least one token sub"),
    ),
  ),
  // `https://<team>.cloudflareaccess.com` (a bare `<team>.cloudflareaccess.com` is taken as https).
  ACCESS_TEAM_DOMAIN: v.optional(
    v.pipe(
      requiredText("ACCESS_TEAM_DOMAIN"),
      v.transform((domain) => (/^https?:\/\//.test(domain) ? domain : `https://${domain}`).replace(/\/+$/, "")),
      v.url("ACCESS_TEAM_DOMAIN must be the Access team domain, e.g. https://<team>.cloudflareaccess.com"),
    ),
  ),
  ACCESS_AUD: v.optional(requiredText("ACCESS_AUD")),
  // The end of the upgrade from per-key idempotency objects (README "Upgrading"): an ISO date-time.
  IDEMPOTENCY_LEGACY_UNTIL: v.optional(
    v.pipe(
      v.string(),
      v.isoTimestamp(NOT_A_DATE_TIME),
      v.transform((at) => Date.parse(at)),
      // Some forms valibot accepts (`+07` for `+07:00`) are not dates to Date.parse: a window that silently never opens.
      v.check((at: number) => Number.isFinite(at), NOT_A_DATE_TIME),
    ),
  ),
  AMK_CLIENT_CERT_SHA256: v.optional(
    v.pipe(
      v.string(),
      v.transform((hex) => hex.replaceAll(":", "").trim().toLowerCase()),
      v.regex(/^[0-9a-f]{64}$/, "AMK_CLIENT_CERT_SHA256 must be a SHA-256 fingerprint (64 hex digits)"),
    ),
  ),
});

const GatewayEnvSchema = v.pipe(
  GatewayEntries,
  tokenCheck<v.InferOutput<typeof GatewayEntries>>(),
  kafkaCheck<v.InferOutput<typeof GatewayEntries>>(),
  productionCheck<v.InferOutput<typeof GatewayEntries>>(),
  // Bill confirmations are never verified with AMK: in production only AMK's own client may send them.
  v.check(
    (env) => env.ENVIRONMENT !== "production" || Boolean(env.AMK_CLIENT_SUBJECTS || env.AMK_CLIENT_CERT_SHA256),
    "ENVIRONMENT=production requires AMK_CLIENT_SUBJECTS or AMK_CLIENT_CERT_SHA256 (who may call the bank routes)",
  ),
  v.check(
    (env) => Boolean(env.ACCESS_TEAM_DOMAIN) === Boolean(env.ACCESS_AUD),
    "ACCESS_TEAM_DOMAIN and ACCESS_AUD go together (the Access team domain and the application's AUD tag)",
  ),
  // Operators must be known by someone other than a shared secret: Access, or the identity provider's JWKS.
  v.check(
    (env) => env.ENVIRONMENT !== "production" || Boolean(env.ACCESS_TEAM_DOMAIN || env.JWT_JWKS_URL),
    "ENVIRONMENT=production requires ACCESS_TEAM_DOMAIN and ACCESS_AUD, or JWT_JWKS_URL, for the /ops routes",
  ),
  v.check(
    (env) => env.ENVIRONMENT !== "production" || !env.ACCESS_TEAM_DOMAIN || env.ACCESS_TEAM_DOMAIN.startsWith("https://"),
    "ENVIRONMENT=production requires an https:// ACCESS_TEAM_DOMAIN",
  ),
  v.transform((env): GatewayConfig => ({
    tokens: tokenVerification(env),
    environment: env.ENVIRONMENT,
    access: env.ACCESS_TEAM_DOMAIN && env.ACCESS_AUD ? { teamDomain: env.ACCESS_TEAM_DOMAIN, audience: env.ACCESS_AUD } : undefined,
    integration: { baseUrl: env.INTEGRATION_BASE_URL, token: env.INTEGRATION_TOKEN, timeoutMs: env.INTEGRATION_TIMEOUT_MS },
    premiumCacheTtlSeconds: env.PREMIUM_CACHE_TTL_SECONDS,
    idempotencyLegacyUntil: env.IDEMPOTENCY_LEGACY_UNTIL,
    amk: {
      verifyUrl: env.AMK_VERIFY_URL,
      merchantId: env.AMK_MERCHANT_ID,
      storeId: env.AMK_STORE_ID,
      terminalId: env.AMK_TERMINAL_ID,
      secretKey: env.AMK_SECRET_KEY,
      timeoutMs: env.AMK_TIMEOUT_MS,
    },
    kafka: {
      url: env.KAFKA_REST_URL,
      username: env.KAFKA_REST_USERNAME,
      password: env.KAFKA_REST_PASSWORD,
      flavor: env.KAFKA_REST_FLAVOR,
      clusterId: env.KAFKA_CLUSTER_ID,
      topicPrefix: env.KAFKA_TOPIC_PREFIX,
    },
    bankClients: {
      subjects: env.AMK_CLIENT_SUBJECTS && new Set(env.AMK_CLIENT_SUBJECTS),
      certSha256: env.AMK_CLIENT_CERT_SHA256,
    },
  })),
);

export const gatewayConfig = configParser(GatewayEnvSchema);
