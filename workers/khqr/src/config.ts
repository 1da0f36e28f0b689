// The KHQR worker's configuration (docs/configuration.md), validated at the edge of every request.
import * as v from "valibot";
import {
  amkTimeoutEntry,
  configParser,
  environmentEntry,
  httpUrl,
  productionCheck,
  requiredText,
  tokenCheck,
  tokenEntries,
  tokenVerification,
} from "#shared/platform/config/config-schema.ts";
import type { ApiConfig } from "#shared/platform/http/api-env.ts";
import type { AmkPartnerSettings } from "#shared/amk/partner-api.ts";

export interface KhqrConfig extends ApiConfig {
  amk: AmkPartnerSettings;
  /** The merchant every QR shown to a customer must pay. */
  merchantId: string;
  checkout: CheckoutSettings;
}

export interface CheckoutSettings {
  /** KHQR_PUBLIC_URL without a trailing slash: checkout links are `{publicUrl}/pay/{token}`. */
  publicUrl: string;
  /** CHECKOUT_SIGNING_KEY: signs the tokens in checkout links. */
  signingKey: string;
}

const KhqrEntries = v.object({
  ...tokenEntries,
  AMK_BASE_URL: httpUrl("AMK_BASE_URL"),
  AMK_USERNAME: requiredText("AMK_USERNAME"),
  AMK_PASSWORD: requiredText("AMK_PASSWORD"),
  AMK_MERCHANT_ID: requiredText("AMK_MERCHANT_ID"),
  KHQR_PUBLIC_URL: httpUrl("KHQR_PUBLIC_URL"),
  CHECKOUT_SIGNING_KEY: v.pipe(
    v.string("CHECKOUT_SIGNING_KEY is required"),
    v.minLength(32, "CHECKOUT_SIGNING_KEY must be at least 32 characters"),
  ),
  ...amkTimeoutEntry,
  ...environmentEntry,
});

const KhqrEnvSchema = v.pipe(
  KhqrEntries,
  tokenCheck<v.InferOutput<typeof KhqrEntries>>(),
  productionCheck<v.InferOutput<typeof KhqrEntries>>(),
  v.transform((env): KhqrConfig => ({
    tokens: tokenVerification(env),
    amk: { baseUrl: env.AMK_BASE_URL, username: env.AMK_USERNAME, password: env.AMK_PASSWORD, timeoutMs: env.AMK_TIMEOUT_MS },
    merchantId: env.AMK_MERCHANT_ID,
    checkout: { publicUrl: env.KHQR_PUBLIC_URL.replace(/\/+$/, ""), signingKey: env.CHECKOUT_SIGNING_KEY },
  })),
);

export const khqrConfig = configParser(KhqrEnvSchema);
