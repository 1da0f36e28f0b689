// The gateway's configuration (external-contracts §1), validated at the edge of every request.
import * as v from "valibot";
import type { ApiConfig } from "#shared/http/api-env.ts";
import {
  amkTimeoutEntry,
  configParser,
  httpUrl,
  kafkaCheck,
  kafkaEntries,
  positiveInteger,
  requiredText,
  tokenCheck,
  tokenEntries,
  tokenVerification,
} from "#shared/config/config-schema.ts";
import type { KafkaSettings } from "./adapters/kafka-event-publisher.ts";
import type { IntegrationServiceSettings } from "./adapters/integration-service.ts";

export interface AmkVerifySettings {
  verifyUrl: string;
  merchantId: string;
  storeId: string;
  terminalId: string;
  secretKey: string;
  timeoutMs: number;
}

export interface GatewayConfig extends ApiConfig {
  integration: IntegrationServiceSettings;
  premiumCacheTtlSeconds: number;
  amk: AmkVerifySettings;
  kafka: KafkaSettings;
}

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
});

const GatewayEnvSchema = v.pipe(
  GatewayEntries,
  tokenCheck<v.InferOutput<typeof GatewayEntries>>(),
  kafkaCheck<v.InferOutput<typeof GatewayEntries>>(),
  v.transform((env): GatewayConfig => ({
    tokens: tokenVerification(env),
    integration: { baseUrl: env.INTEGRATION_BASE_URL, token: env.INTEGRATION_TOKEN, timeoutMs: env.INTEGRATION_TIMEOUT_MS },
    premiumCacheTtlSeconds: env.PREMIUM_CACHE_TTL_SECONDS,
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
  })),
);

export const gatewayConfig = configParser(GatewayEnvSchema);
