// Worker configuration is parsed once per environment object and validated with valibot; a
// missing or bad value fails naming the variable (logged; the client sees INTERNAL_ERROR).
import * as v from "valibot";
import type { TokenVerification } from "../auth/bearer-token.ts";
import { PaymentError } from "../../payments/errors.ts";

export const requiredText = (name: string) => v.pipe(v.string(`${name} is required`), v.trim(), v.nonEmpty(`${name} is required`));

export const httpUrl = (name: string) =>
  v.pipe(requiredText(name), v.url(`${name} must be an http(s) URL`), v.regex(/^https?:\/\//, `${name} must be an http(s) URL`));

export const positiveInteger = (name: string, fallback: number) =>
  v.optional(
    v.pipe(v.string(), v.regex(/^\d+$/, `${name} must be a whole number`), v.transform(Number), v.minValue(1, `${name} must be positive`)),
    String(fallback),
  );

/** Bearer-token settings, which both workers read (docs/configuration.md, docs/api.md). */
export const tokenEntries = {
  JWT_SECRET: v.optional(v.pipe(v.string(), v.minLength(32, "JWT_SECRET must be at least 32 characters"))),
  JWT_JWKS_URL: v.optional(httpUrl("JWT_JWKS_URL")),
  JWT_ISSUER: requiredText("JWT_ISSUER"),
  JWT_AUDIENCE: requiredText("JWT_AUDIENCE"),
};

/** Kafka REST settings (docs/contracts.md); the gateway publishes every event. */
export const kafkaEntries = {
  KAFKA_REST_URL: httpUrl("KAFKA_REST_URL"),
  KAFKA_REST_USERNAME: requiredText("KAFKA_REST_USERNAME"),
  KAFKA_REST_PASSWORD: requiredText("KAFKA_REST_PASSWORD"),
  KAFKA_REST_FLAVOR: v.optional(
    v.picklist(["upstash", "confluent-v3", "rest-v2"], "KAFKA_REST_FLAVOR must be upstash, confluent-v3 or rest-v2"),
    "upstash",
  ),
  KAFKA_CLUSTER_ID: v.optional(v.string()),
  KAFKA_TOPIC_PREFIX: v.optional(v.string(), "dev."),
};

/** Where the worker runs; production refuses unsafe settings (productionCheck). */
export const environmentEntry = {
  ENVIRONMENT: v.optional(
    v.picklist(["development", "uat", "production"], "ENVIRONMENT must be development, uat or production"),
    "development",
  ),
};

/**
 * With ENVIRONMENT=production the worker does not serve on a shared HS256 secret (tokens come
 * from the identity provider's JWKS) nor talk to any upstream over plain http.
 */
export function productionCheck<T extends { ENVIRONMENT: string; JWT_JWKS_URL?: string }>() {
  return v.check((s: T) => {
    if (s.ENVIRONMENT !== "production") return true;
    const urls = Object.entries(s).filter(([name, value]) => name.endsWith("_URL") && typeof value === "string");
    return Boolean(s.JWT_JWKS_URL) && urls.every(([, url]) => String(url).startsWith("https://"));
  }, "ENVIRONMENT=production requires JWT_JWKS_URL (not JWT_SECRET alone) and https:// for every *_URL");
}

/** How long either worker waits for AMK; one default for both. */
export const amkTimeoutEntry = {
  AMK_TIMEOUT_MS: positiveInteger("AMK_TIMEOUT_MS", 10_000),
};

type TokenSettings = v.InferOutput<v.ObjectSchema<typeof tokenEntries, undefined>>;
type KafkaSettingsInput = v.InferOutput<v.ObjectSchema<typeof kafkaEntries, undefined>>;

export function tokenCheck<T extends TokenSettings>() {
  return v.check((s: T) => Boolean(s.JWT_SECRET || s.JWT_JWKS_URL), "JWT_SECRET or JWT_JWKS_URL is required");
}

export function kafkaCheck<T extends KafkaSettingsInput>() {
  return v.check(
    (s: T) => s.KAFKA_REST_FLAVOR !== "confluent-v3" || Boolean(s.KAFKA_CLUSTER_ID),
    "KAFKA_CLUSTER_ID is required when KAFKA_REST_FLAVOR is confluent-v3",
  );
}

export function tokenVerification(env: TokenSettings): TokenVerification {
  return { issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE, secret: env.JWT_SECRET, jwksUrl: env.JWT_JWKS_URL };
}

/** Parses `env` with `schema`, remembering the result per environment object. */
export function configParser<S extends v.GenericSchema>(schema: S): (env: object) => v.InferOutput<S> {
  const parsed = new WeakMap<object, v.InferOutput<S>>();
  return (env) => {
    const cached = parsed.get(env);
    if (cached) return cached;
    const result = v.safeParse(schema, env);
    if (!result.success) {
      const problems = result.issues.map((issue) => `${v.getDotPath(issue) ?? "configuration"}: ${issue.message}`).join("; ");
      throw new PaymentError("INTERNAL_ERROR", "The service is misconfigured", { reason: `configuration: ${problems}` });
    }
    parsed.set(env, result.output);
    return result.output;
  };
}
