// The KHQR worker's configuration (external-contracts §1), validated at the edge of every request.
import * as v from "valibot";
import { configParser, httpUrl, positiveInteger, requiredText } from "../../../shared/config/config-schema.ts";
import type { ApiConfig } from "../../../shared/http/api-env.ts";
import type { AmkPartnerSettings } from "./amk-partner-api.ts";

export interface KhqrConfig extends ApiConfig {
  amk: AmkPartnerSettings;
}

const KhqrEntries = v.object({
  JWT_SECRET: v.optional(v.pipe(v.string(), v.minLength(32, "JWT_SECRET must be at least 32 characters"))),
  JWT_JWKS_URL: v.optional(httpUrl("JWT_JWKS_URL")),
  JWT_ISSUER: requiredText("JWT_ISSUER"),
  JWT_AUDIENCE: requiredText("JWT_AUDIENCE"),
  AMK_BASE_URL: httpUrl("AMK_BASE_URL"),
  AMK_USERNAME: requiredText("AMK_USERNAME"),
  AMK_PASSWORD: requiredText("AMK_PASSWORD"),
  AMK_TIMEOUT_MS: positiveInteger("AMK_TIMEOUT_MS", 10_000),
});

const KhqrEnvSchema = v.pipe(
  KhqrEntries,
  v.check((env) => Boolean(env.JWT_SECRET || env.JWT_JWKS_URL), "JWT_SECRET or JWT_JWKS_URL is required"),
  v.transform(
    (env): KhqrConfig => ({
      tokens: { issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE, secret: env.JWT_SECRET, jwksUrl: env.JWT_JWKS_URL },
      amk: { baseUrl: env.AMK_BASE_URL, username: env.AMK_USERNAME, password: env.AMK_PASSWORD, timeoutMs: env.AMK_TIMEOUT_MS },
    }),
  ),
);

export const khqrConfig = configParser(KhqrEnvSchema);
