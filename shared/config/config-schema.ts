// Worker configuration is parsed once per environment object and validated with valibot; a
// missing or bad value fails naming the variable (logged; the client sees INTERNAL_ERROR).
import * as v from "valibot";
import { PaymentError } from "../errors.ts";

export const requiredText = (name: string) =>
  v.pipe(v.string(`${name} is required`), v.trim(), v.nonEmpty(`${name} is required`));

export const httpUrl = (name: string) =>
  v.pipe(requiredText(name), v.url(`${name} must be an http(s) URL`), v.regex(/^https?:\/\//, `${name} must be an http(s) URL`));

export const positiveInteger = (name: string, fallback: number) =>
  v.optional(
    v.pipe(v.string(), v.regex(/^\d+$/, `${name} must be a whole number`), v.transform(Number), v.minValue(1, `${name} must be positive`)),
    String(fallback),
  );

/** The JWT and Kafka settings both workers read (external-contracts §1). */
export const sharedEntries = {
  JWT_SECRET: v.optional(v.pipe(v.string(), v.minLength(32, "JWT_SECRET must be at least 32 characters"))),
  JWT_JWKS_URL: v.optional(httpUrl("JWT_JWKS_URL")),
  JWT_ISSUER: requiredText("JWT_ISSUER"),
  JWT_AUDIENCE: requiredText("JWT_AUDIENCE"),
  KAFKA_REST_URL: httpUrl("KAFKA_REST_URL"),
  KAFKA_REST_USERNAME: requiredText("KAFKA_REST_USERNAME"),
  KAFKA_REST_PASSWORD: requiredText("KAFKA_REST_PASSWORD"),
  KAFKA_REST_FLAVOR: v.optional(v.picklist(["upstash", "confluent-v3"], "KAFKA_REST_FLAVOR must be upstash or confluent-v3"), "upstash"),
  KAFKA_CLUSTER_ID: v.optional(v.string()),
  KAFKA_TOPIC_PREFIX: v.optional(v.string(), "dev."),
};

type SharedSettings = v.InferOutput<v.ObjectSchema<typeof sharedEntries, undefined>>;

/** Rules across the shared settings, for the end of each worker's config pipe. */
export function sharedChecks<T extends SharedSettings>() {
  return [
    v.check((s: T) => Boolean(s.JWT_SECRET || s.JWT_JWKS_URL), "JWT_SECRET or JWT_JWKS_URL is required"),
    v.check(
      (s: T) => s.KAFKA_REST_FLAVOR !== "confluent-v3" || Boolean(s.KAFKA_CLUSTER_ID),
      "KAFKA_CLUSTER_ID is required when KAFKA_REST_FLAVOR is confluent-v3",
    ),
  ] as const;
}

/** Parses `env` with `schema`, remembering the result per environment object. */
export function configParser<S extends v.GenericSchema>(schema: S): (env: object) => v.InferOutput<S> {
  const parsed = new WeakMap<object, v.InferOutput<S>>();
  return (env) => {
    const cached = parsed.get(env);
    if (cached) return cached;
    const result = v.safeParse(schema, env);
    if (!result.success) {
      const problems = result.issues.map((issue) => issue.message).join("; ");
      throw new PaymentError("INTERNAL_ERROR", "The service is misconfigured", { reason: `configuration: ${problems}` });
    }
    parsed.set(env, result.output);
    return result.output;
  };
}
